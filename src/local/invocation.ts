import { randomUUID } from 'node:crypto';
import { InvocationContext, type EffectiveFunctionOptions, type InvocationContextExtraInputs, type InvocationContextExtraOutputs, type LogLevel as HostLogLevel, type TriggerMetadata } from '@azure/functions';
import type { Logger } from '../core/logging/logger.js';

/**
 * The InvocationContext the Functions host would pass: a fresh invocation id, the trigger
 * metadata, and `context.log` routed to the app's JSON logger.
 *
 * Not the SDK's class itself: its constructor registers three objects in WeakMaps (its private
 * state), which cost more per HTTP request than routing it, and weigh on the garbage collector.
 * This one has the same public surface; extra inputs and outputs (bindings this app does not
 * declare) come from an SDK context built on first use, so they behave exactly as the SDK's.
 */
class EmbeddedInvocationContext implements InvocationContext {
  readonly invocationId = randomUUID();
  readonly functionName: string;
  readonly triggerMetadata: TriggerMetadata;
  readonly options: EffectiveFunctionOptions;
  readonly #logger: Logger;
  #sdk: InvocationContext | undefined;
  /** Built on the first log call: most invocations never log through the context. */
  #invocationLogger: Logger | undefined;

  constructor(options: { readonly functionName: string; readonly triggerType: string; readonly logger: Logger; readonly triggerMetadata?: Record<string, unknown> }) {
    this.functionName = options.functionName;
    this.triggerMetadata = options.triggerMetadata ?? {};
    this.options = { trigger: { type: options.triggerType, name: 'trigger' }, extraInputs: [], extraOutputs: [] };
    this.#logger = options.logger;
  }

  get extraInputs(): InvocationContextExtraInputs {
    return this.#sdkContext().extraInputs;
  }

  get extraOutputs(): InvocationContextExtraOutputs {
    return this.#sdkContext().extraOutputs;
  }

  log(...args: unknown[]): void {
    this.#log('information', args);
  }

  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }

  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }

  info(...args: unknown[]): void {
    this.#log('information', args);
  }

  warn(...args: unknown[]): void {
    this.#log('warning', args);
  }

  error(...args: unknown[]): void {
    this.#log('error', args);
  }

  #sdkContext(): InvocationContext {
    this.#sdk ??= new InvocationContext({ invocationId: this.invocationId, functionName: this.functionName, triggerMetadata: this.triggerMetadata, options: this.options });
    return this.#sdk;
  }

  #log(level: HostLogLevel, args: readonly unknown[]): void {
    const message = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    this.#invocationLogger ??= this.#logger.child({ function: this.functionName, invocationId: this.invocationId });
    logAt(this.#invocationLogger, level, message);
  }
}

export function createInvocationContext(options: {
  readonly functionName: string;
  readonly triggerType: string;
  readonly logger: Logger;
  readonly triggerMetadata?: Record<string, unknown>;
}): InvocationContext {
  // Not an instance of the SDK's class (see above): nothing here tests `instanceof InvocationContext`.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  return new EmbeddedInvocationContext(options);
}

function logAt(logger: Logger, level: HostLogLevel, message: string): void {
  switch (level) {
    case 'trace':
    case 'debug':
      logger.debug(message);
      return;
    case 'warning':
      logger.warn(message);
      return;
    case 'error':
    case 'critical':
      logger.error(message);
      return;
    default:
      logger.info(message);
  }
}
