import type { FunctionResult, HttpRequest, HttpResponse, HttpResponseInit, InvocationContext } from '@azure/functions';

/**
 * What our HTTP handlers read from a request. The SDK's `HttpRequest` (under `func start`, and in
 * tests) satisfies it, and so does the embedded host's lighter request (src/local/http-adapter.ts),
 * which skips building a WHATWG `Request` per call.
 */
export type HttpRequestView = Pick<HttpRequest, 'method' | 'url' | 'headers' | 'query' | 'params' | 'body' | 'arrayBuffer' | 'text' | 'json'>;

/** An HTTP function's handler: callable by the Functions host (it passes an `HttpRequest`) and by the embedded host. */
export type RouteHandler = (request: HttpRequestView, context: InvocationContext) => FunctionResult<HttpResponseInit | HttpResponse>;
