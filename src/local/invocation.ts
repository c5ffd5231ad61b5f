import { randomUUID } from 'node:crypto';
import { InvocationContext, type LogLevel as HostLogLevel } from '@azure/functions';
import type { Logger } from '../core/logging/logger.js';

/**
 * Builds the InvocationContext the Functions host would pass: a fresh invocation id, the trigger
 * metadata, and `context.log` routed to the app's JSON logger.
 */
export function createInvocationContext(options: {
  readonly functionName: string;
  readonly triggerType: string;
  readonly logger: Logger;
  readonly triggerMetadata?: Record<string, unknown>;
}): InvocationContext {
  const invocationId = randomUUID();
  // Built on the first context.log call: most invocations never log through the context.
  let logger: Logger | undefined;
  return new InvocationContext({
    invocationId,
    functionName: options.functionName,
    triggerMetadata: options.triggerMetadata ?? {},
    options: { trigger: { type: options.triggerType, name: 'trigger' } },
    logHandler: (level, ...args) => {
      const message = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      logger ??= options.logger.child({ function: options.functionName, invocationId });
      logAt(logger, level, message);
    },
  });
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
