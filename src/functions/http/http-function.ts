import { performance } from 'node:perf_hooks';
import type { HttpMethod, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { AppContext } from '../../app/app-context.js';
import type { Logger } from '../../core/logging/logger.js';
import type { HttpFunctionDefinition } from '../definition.js';
import type { OperationDocs } from '../openapi/operation-docs.js';
import type { HttpRequestView } from './request-view.js';
import { counter, histogram } from '../../adapters/metrics/metrics.js';
import { toProblemResponse } from './problem-response.js';
import { traceparentFrom } from '../../core/tracing/traceparent.js';

export interface HttpCall {
  readonly request: HttpRequestView;
  readonly context: InvocationContext;
  readonly app: AppContext;
  /** The app logger with this invocation's function name and id, and its trace context. */
  readonly logger: Logger;
  /** W3C trace context of the request: the caller's when valid, else a new trace. */
  readonly traceparent: string;
}

export type HttpHandle = (call: HttpCall) => Promise<HttpResponseInit>;

interface HttpFunctionBase {
  readonly name: string;
  /** Route below the `/api` prefix, in Functions route-template syntax (`players/{playerId}/progress`). */
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  /**
   * Explicit auth level. Write routes are `anonymous` at the platform level because they carry
   * their own HMAC signature (DESIGN §2); a Functions key would add nothing but a shared secret.
   */
  readonly authLevel: 'anonymous' | 'function' | 'admin';
  readonly docs?: OperationDocs;
}

/**
 * Either a plain `handle`, or `build`, which runs once per AppContext (when the handler is
 * created) to set up what the handler reuses: validators, stores, metrics.
 */
export type HttpFunctionSpec = HttpFunctionBase & ({ readonly handle: HttpHandle } | { readonly build: (app: AppContext) => HttpHandle });

/**
 * Declares an HTTP function whose errors are rendered in one place: whatever `handle` throws
 * becomes an RFC 9457 problem response via {@link toProblemResponse}.
 */
export function httpFunction(spec: HttpFunctionSpec): HttpFunctionDefinition {
  return {
    kind: 'http',
    name: spec.name,
    options: { route: spec.route, methods: spec.methods, authLevel: spec.authLevel },
    ...(spec.docs === undefined ? {} : { docs: spec.docs }),
    handler: (app) => {
      const requests = counter(app.metrics, {
        name: 'liveops_http_requests_total',
        help: 'HTTP requests by function, route template and status',
        labelNames: ['function', 'route', 'status'],
      });
      const duration = histogram(app.metrics, {
        name: 'liveops_http_request_duration_seconds',
        help: 'HTTP request duration by function and route template',
        labelNames: ['function', 'route'],
      });
      const labels = { function: spec.name, route: spec.route };
      // One label object per status seen, so counting a request does not build one.
      const byStatus = new Map<number, { function: string; route: string; status: string }>();
      const statusLabels = (status: number): { function: string; route: string; status: string } => {
        let found = byStatus.get(status);
        if (found === undefined) {
          found = { ...labels, status: String(status) };
          byStatus.set(status, found);
        }
        return found;
      };
      const handle = 'build' in spec ? spec.build(app) : spec.handle;
      return async (request, context) => {
        const call = new LazyHttpCall({ request, context, app, functionName: spec.name });
        const started = performance.now();
        let response: HttpResponseInit;
        try {
          response = await handle(call);
        } catch (error: unknown) {
          response = toProblemResponse(error, { logger: call.logger, instance: new URL(request.url).pathname });
        }
        duration.observe(labels, (performance.now() - started) / 1000);
        requests.inc(statusLabels(response.status ?? 200));
        return response;
      };
    },
  };
}

/**
 * The call, with its trace context and logger made on first use: most reads never log or
 * publish, and a new trace costs two random UUIDs and a child logger per request. A class, so
 * the getters live once on its prototype rather than on every call object.
 */
class LazyHttpCall implements HttpCall {
  readonly request: HttpRequestView;
  readonly context: InvocationContext;
  readonly app: AppContext;
  readonly #functionName: string;
  #traceparent: string | undefined;
  #logger: Logger | undefined;

  constructor(options: { readonly request: HttpRequestView; readonly context: InvocationContext; readonly app: AppContext; readonly functionName: string }) {
    this.request = options.request;
    this.context = options.context;
    this.app = options.app;
    this.#functionName = options.functionName;
  }

  get traceparent(): string {
    this.#traceparent ??= traceparentFrom(this.request.headers.get('traceparent'));
    return this.#traceparent;
  }

  get logger(): Logger {
    this.#logger ??= this.app.logger.child({ function: this.#functionName, invocationId: this.context.invocationId, traceparent: this.traceparent });
    return this.#logger;
  }
}

/**
 * The call with more fields for the handler (a signer, a parsed body). Use this, not a spread:
 * the call's trace context and logger are getters on its prototype, made on first use, and a
 * spread copies only own properties.
 */
export function extendCall<E extends object>(call: HttpCall, extra: E): HttpCall & E {
  const base: HttpCall = {
    request: call.request,
    context: call.context,
    app: call.app,
    get logger() {
      return call.logger;
    },
    get traceparent() {
      return call.traceparent;
    },
  };
  return Object.assign(base, extra);
}

/** A JSON response with the given status. */
export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'Cache-Control': 'no-store', ...headers } };
}

/** A body rendered once for many responses (see {@link jsonBytes}). */
export function toJsonBytes(body: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** A JSON response whose body is already rendered ({@link toJsonBytes}), e.g. a cached one. */
export function jsonBytes(status: number, body: Uint8Array): HttpResponseInit {
  return { status, body, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } };
}
