import type { IncomingMessage, ServerResponse } from 'node:http';
import { ReadableStream } from 'node:stream/web';
import { HttpResponse, type HttpResponseInit } from '@azure/functions';
import { problems } from '../core/errors/errors.js';
import type { HttpRequestView } from '../functions/http/request-view.js';

/**
 * Converters between node:http and the @azure/functions request/response types, so handlers run
 * unchanged here and under `func start`.
 *
 * The SDK's own `HttpRequest`/`HttpResponse` wrap a WHATWG `Request`/`Response`; building those
 * (URL parsing, an AbortSignal, body streams) cost more per request than a leaderboard read, so
 * the embedded host hands handlers an {@link EmbeddedHttpRequest} with the surface they use, built
 * lazily, and writes plain response inits straight to the socket. Anything unusual (streams,
 * Blobs, an `HttpResponse` instance) still goes through the SDK's types.
 */

/**
 * Reads the body, refusing more than `limitBytes` (checked on Content-Length first, then on the
 * bytes actually received) so a client cannot make the embedded host buffer unbounded data.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3): most GETs.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Buffer.alloc(0);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limitBytes) throw problems.payloadTooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw problems.payloadTooLarge(limitBytes);
    chunks.push(buffer);
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
}

/**
 * The request surface handlers use ({@link HttpRequestView}) over an already-read node request;
 * headers and query are built on first use, and the body is read once, as with fetch's Request.
 */
export class EmbeddedHttpRequest implements HttpRequestView {
  readonly method: string;
  readonly url: string;
  readonly params: Record<string, string>;
  readonly #rawHeaders: IncomingMessage['headers'];
  readonly #search: string;
  readonly #bytes: Buffer;
  #headers: Headers | undefined;
  #query: URLSearchParams | undefined;
  #stream: ReadableStream | undefined;
  #bodyUsed = false;

  constructor(options: { readonly method: string; readonly url: URL; readonly headers: IncomingMessage['headers']; readonly params: Record<string, string>; readonly body: Buffer }) {
    this.method = options.method;
    this.url = options.url.href;
    this.params = options.params;
    this.#rawHeaders = options.headers;
    this.#search = options.url.search;
    this.#bytes = options.body;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#rawHeaders)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      this.#headers = headers;
    }
    return this.#headers;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.#search);
    return this.#query;
  }

  get body(): ReadableStream | null {
    // GET and HEAD carry no body, as with the SDK's Request.
    if (this.method === 'GET' || this.method === 'HEAD') return null;
    if (this.#stream === undefined) {
      const bytes = this.#bytes;
      this.#bodyUsed = true;
      this.#stream = new ReadableStream({
        start: (controller) => {
          controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          controller.close();
        },
      });
    }
    return this.#stream;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read((bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  text(): Promise<string> {
    return this.#read((bytes) => bytes.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.#read((bytes) => JSON.parse(bytes.toString('utf8')) as unknown);
  }

  /** Like fetch's body mixin: the body can be consumed once; after that, reads reject. */
  #read<T>(convert: (bytes: Buffer) => T): Promise<T> {
    if (this.#bodyUsed) return Promise.reject(new TypeError('Body is unusable: the body has already been read'));
    this.#bodyUsed = true;
    try {
      return Promise.resolve(convert(this.#bytes));
    } catch (error: unknown) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

export function fromNodeRequest(options: {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly body: Buffer;
  readonly params: Record<string, string>;
}): HttpRequestView {
  return new EmbeddedHttpRequest({ method: (options.req.method ?? 'GET').toUpperCase(), url: options.url, headers: options.req.headers, params: options.params, body: options.body });
}

/** Statuses that carry no body (fetch's "null body status"). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A response init the host can write without the SDK's `HttpResponse`: headers as a plain record,
 * a JSON body or a string/bytes body, no cookies. Undefined means "take the general path".
 */
function toPlainResponse(result: HttpResponseInit): { status: number; headers: Record<string, string>; body: Buffer | undefined } | undefined {
  const { headers, body, cookies } = result;
  const jsonBody: unknown = result.jsonBody;
  if (headers !== undefined && (headers instanceof Headers || Array.isArray(headers))) return undefined;
  if (cookies !== undefined && cookies.length > 0) return undefined;
  const status = result.status ?? 200;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  if (NULL_BODY_STATUSES.has(status)) return { status, headers: out, body: undefined };
  if (jsonBody !== undefined && jsonBody !== null) {
    out['content-type'] ??= 'application/json';
    return { status, headers: out, body: Buffer.from(JSON.stringify(jsonBody), 'utf8') };
  }
  if (body === undefined || body === null) return { status, headers: out, body: undefined };
  if (typeof body === 'string') {
    out['content-type'] ??= 'text/plain;charset=UTF-8';
    return { status, headers: out, body: Buffer.from(body, 'utf8') };
  }
  if (body instanceof Uint8Array) return { status, headers: out, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  return undefined;
}

/** Writes a handler's result (an init object or an HttpResponse) to the node response. */
export async function writeResponse(res: ServerResponse, result: HttpResponseInit | HttpResponse): Promise<void> {
  const plain = result instanceof HttpResponse ? undefined : toPlainResponse(result);
  if (plain !== undefined) {
    res.statusCode = plain.status;
    for (const [name, value] of Object.entries(plain.headers)) res.setHeader(name, value);
    await end(res, plain.body ?? Buffer.alloc(0));
    return;
  }
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const body = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  for (const cookie of response.cookies) {
    res.appendHeader('Set-Cookie', `${cookie.name}=${cookie.value}`);
  }
  await end(res, body);
}

function end(res: ServerResponse, body: Buffer): Promise<void> {
  if (!res.hasHeader('content-length')) res.setHeader('Content-Length', body.length);
  return new Promise<void>((resolve, reject) => {
    res.once('error', reject);
    res.end(body, () => { resolve(); });
  });
}
