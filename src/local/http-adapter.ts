import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import { problems } from '../core/errors/errors.js';

/**
 * Converters between node:http and the @azure/functions request/response types, so handlers run
 * unchanged here and under `func start`.
 */

/**
 * Reads the body, refusing more than `limitBytes` (checked on Content-Length first, then on the
 * bytes actually received) so a client cannot make the embedded host buffer unbounded data.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
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
  return Buffer.concat(chunks);
}

export function fromNodeRequest(options: {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly body: Buffer;
  readonly params: Record<string, string>;
}): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return new HttpRequest({
    method: options.req.method ?? 'GET',
    url: options.url.toString(),
    headers,
    params: options.params,
    body: { bytes: options.body },
  });
}

/** Writes a handler's result (an init object or an HttpResponse) to the node response. */
export async function writeResponse(res: ServerResponse, result: HttpResponseInit | HttpResponse): Promise<void> {
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const body = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  for (const cookie of response.cookies) {
    res.appendHeader('Set-Cookie', `${cookie.name}=${cookie.value}`);
  }
  if (!res.hasHeader('content-length')) res.setHeader('Content-Length', body.length);
  await new Promise<void>((resolve, reject) => {
    res.end(body, () => { resolve(); });
    res.once('error', reject);
  });
}
