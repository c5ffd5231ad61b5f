/**
 * Plays the Azure Functions host and Node.js worker around the app, through the library's own
 * programming model (the object `@azure/functions` hands `setProgrammingModel`): each invocation
 * is an RpcInvocationRequest converted by the library's InvocationModel, exactly as in production.
 * What each input looks like, and which source it was taken from: docs/production-path.md.
 */
import { randomUUID } from 'node:crypto';
import type { CoreBinding, FunctionsCore, RegisteredFunction } from './functions-core.js';

/** RpcTypedData (types of @azure/functions-core): the one-of the host fills per value. */
export type RpcTypedData =
  | { readonly string: string }
  | { readonly json: string }
  | { readonly bytes: Uint8Array }
  | { readonly collectionString: { readonly string: readonly string[] } }
  | { readonly collectionBytes: { readonly bytes: readonly Uint8Array[] } }
  | { readonly http: RpcHttpData };

export interface RpcHttpData {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

export interface InvocationRequest {
  readonly inputData: readonly { readonly name: string; readonly data: RpcTypedData }[];
  readonly triggerMetadata: Readonly<Record<string, RpcTypedData>>;
}

export type InvocationOutcome =
  | { readonly status: 'success'; readonly response: unknown }
  | { readonly status: 'failure'; readonly error: Error };

/** A Service Bus message as the broker hands it to the host. */
export interface BrokerMessage {
  readonly messageId: string;
  readonly sessionId?: string;
  readonly body: unknown;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
  readonly deliveryCount: number;
  readonly enqueuedTimeUtc: Date;
  readonly sequenceNumber?: number;
}

export class WorkerHost {
  readonly #core: FunctionsCore;
  #httpUri: string | undefined;

  constructor(core: FunctionsCore) {
    this.#core = core;
  }

  /** WorkerInitRequest → getCapabilities (starts the HTTP stream proxy), then the appStart hooks. */
  async start(): Promise<void> {
    const model = this.#model();
    const capabilities = await model.getCapabilities({});
    this.#httpUri = capabilities.HttpUri;
    for (const hook of this.#core.hooks.get('appStart') ?? []) await hook({ hookData: {}, appHookData: {}, functionAppDirectory: process.cwd() });
  }

  async stop(): Promise<void> {
    for (const hook of this.#core.hooks.get('appTerminate') ?? []) await hook({ hookData: {}, appHookData: {} });
  }

  function(name: string): RegisteredFunction {
    const registered = this.#core.functions.get(name);
    if (registered === undefined) throw new Error(`no function "${name}" was registered`);
    return registered;
  }

  /** The trigger binding, keyed by its generated name (as `toCoreFunctionMetadata` builds it). */
  trigger(name: string): { readonly bindingName: string; readonly binding: CoreBinding } {
    const entry = Object.entries(this.function(name).metadata.bindings).find(([, b]) => typeof b.type === 'string' && /trigger$/i.test(b.type));
    if (entry === undefined) throw new Error(`function "${name}" has no trigger binding`);
    return { bindingName: entry[0], binding: entry[1] };
  }

  /** InvocationRequest → the library's InvocationModel: getArguments, invokeFunction, getResponse. */
  async invoke(name: string, request: InvocationRequest, invocationId: string = randomUUID()): Promise<InvocationOutcome> {
    const registered = this.function(name);
    const coreContext = {
      invocationId,
      request: { invocationId, functionId: name, inputData: request.inputData, triggerMetadata: request.triggerMetadata },
      metadata: { name, bindings: registered.metadata.bindings },
      state: 'invocation',
      log: (level: string, category: string, message: string) => {
        this.#core.logs.push({ level, category, message });
      },
    };
    try {
      const model = this.#model().getInvocationModel(coreContext);
      const { context, inputs } = await model.getArguments();
      const result = await model.invokeFunction(context, inputs, registered.callback);
      return { status: 'success', response: await model.getResponse(context, result) };
    } catch (error: unknown) {
      // The worker reports StatusResult.Failure; the host then abandons (bus) or answers 500 (HTTP).
      return { status: 'failure', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /**
   * An HTTP invocation with `enableHttpStream` (src/functions/index.ts): the host sends the
   * invocation over RPC with route params and headers in the trigger metadata and forwards the
   * request itself to the worker's proxy (HttpUri) tagged `x-ms-invocation-id`; the response
   * comes back on that proxied request (node_modules/@azure/functions/src/http/httpProxy.ts).
   */
  async http(name: string, options: { method: string; path: string; headers?: Record<string, string>; body?: string; params?: Record<string, string> }): Promise<Response> {
    const httpUri = this.#httpUri;
    if (httpUri === undefined) throw new Error('start() the host first');
    const invocationId = randomUUID();
    const headers = { 'content-type': 'application/json', ...options.headers };
    const url = `http://localhost:7071${options.path}`;
    const { bindingName } = this.trigger(name);
    const params = options.params ?? {};
    const triggerMetadata: Record<string, RpcTypedData> = { Headers: { json: JSON.stringify(headers) }, Query: { json: '{}' } };
    for (const [key, value] of Object.entries(params)) triggerMetadata[key] = { string: value };
    const controller = new AbortController();
    const proxied = fetch(new URL(options.path, httpUri), {
      method: options.method,
      headers: { ...headers, 'x-ms-invocation-id': invocationId, 'x-forwarded-host': 'localhost:7071', 'x-forwarded-proto': 'http' },
      ...(options.body === undefined ? {} : { body: options.body }),
      signal: controller.signal,
    });
    const outcome = await this.invoke(
      name,
      { inputData: [{ name: bindingName, data: { http: { method: options.method, url, headers, params, query: {} } } }], triggerMetadata },
      invocationId,
    );
    if (outcome.status === 'failure') {
      controller.abort();
      await proxied.catch(() => undefined);
      // The host's answer to a failed HTTP invocation.
      return new Response(null, { status: 500 });
    }
    return proxied;
  }

  /**
   * A Service Bus batch (`cardinality: 'many'`) as the host sends it: the bodies as one collection
   * (UTF-8 text → `collectionString`, `dataType: 'binary'` → `collectionBytes`) and the broker
   * properties as `…Array` trigger metadata with PascalCase keys, which the library camel-cases.
   */
  serviceBusBatch(name: string, messages: readonly BrokerMessage[]): Promise<InvocationOutcome> {
    const { bindingName, binding } = this.trigger(name);
    const texts = messages.map((m) => (typeof m.body === 'string' ? m.body : JSON.stringify(m.body)));
    const data: RpcTypedData =
      binding.dataType === 'binary'
        ? { collectionBytes: { bytes: texts.map((t) => new Uint8Array(Buffer.from(t, 'utf8'))) } }
        : { collectionString: { string: texts } };
    const json = (values: readonly unknown[]): RpcTypedData => ({ json: JSON.stringify(values) });
    return this.invoke(name, {
      inputData: [{ name: bindingName, data }],
      triggerMetadata: {
        MessageIdArray: json(messages.map((m) => m.messageId)),
        SessionIdArray: json(messages.map((m) => m.sessionId ?? null)),
        DeliveryCountArray: json(messages.map((m) => m.deliveryCount)),
        EnqueuedTimeUtcArray: json(messages.map((m) => m.enqueuedTimeUtc.toISOString())),
        SequenceNumberArray: json(messages.map((m, i) => m.sequenceNumber ?? i + 1)),
        ApplicationPropertiesArray: json(messages.map((m) => m.applicationProperties)),
        UserPropertiesArray: json(messages.map((m) => m.applicationProperties)),
        ContentTypeArray: json(messages.map(() => 'application/json')),
        LockTokenArray: json(messages.map(() => randomUUID())),
      },
    });
  }

  /** A timer tick: the TimerInfo JSON in .NET casing (the library camel-cases it, InvocationModel.ts). */
  timer(name: string, options: { readonly now: Date; readonly isPastDue?: boolean }): Promise<InvocationOutcome> {
    const { bindingName } = this.trigger(name);
    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: new Date(options.now.getTime() - 60_000).toISOString(), Next: new Date(options.now.getTime() + 60_000).toISOString(), LastUpdated: options.now.toISOString() },
      IsPastDue: options.isPastDue ?? false,
    };
    return this.invoke(name, { inputData: [{ name: bindingName, data: { json: JSON.stringify(timerInfo) } }], triggerMetadata: {} });
  }

  #model() {
    const model = this.#core.programmingModel;
    if (model === undefined) throw new Error('the app never called setProgrammingModel (no app.* registration ran)');
    return model;
  }
}
