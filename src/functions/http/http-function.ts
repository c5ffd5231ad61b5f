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
      const handle = 'build' in spec ? spec.build(app) : spec.handle;
      return async (request, context) => {
        const call = lazyCall({ request, context, app, functionName: spec.name });
        const stopTimer = duration.startTimer(labels);
        let response: HttpResponseInit;
        try {
          response = await handle(call);
        } catch (error: unknown) {
          response = toProblemResponse(error, { logger: call.logger, instance: new URL(request.url).pathname });
        }
        stopTimer();
        requests.inc({ ...labels, status: String(response.status ?? 200) });
        return response;
      };
    },
  };
}

/**
 * The call, with its trace context and logger made on first use: most reads never log or
 * publish, and a new trace costs two random UUIDs and a child logger per request.
 */
function lazyCall(options: { readonly request: HttpRequestView; readonly context: InvocationContext; readonly app: AppContext; readonly functionName: string }): HttpCall {
  const { request, context, app } = options;
  let traceparent: string | undefined;
  let logger: Logger | undefined;
  return {
    request,
    context,
    app,
    get traceparent() {
      traceparent ??= traceparentFrom(request.headers.get('traceparent'));
      return traceparent;
    },
    get logger() {
      logger ??= app.logger.child({ function: options.functionName, invocationId: context.invocationId, traceparent: this.traceparent });
      return logger;
    },
  };
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
