import type { HttpRequestView } from '../http/request-view.js';
import { problems } from '../../core/errors/errors.js';

/** `application/json`, optionally with parameters (`; charset=utf-8`); anything else is 415. */
export function requireJson(request: HttpRequestView): void {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw problems.unsupportedMediaType();
}

/**
 * Reads the raw body bytes (the signature covers exactly these), refusing more than `maxBytes`:
 * first by the declared Content-Length, then by the bytes actually read, so a lying or absent
 * Content-Length (chunked upload) cannot make the worker buffer an unbounded body.
 */
export async function readBodyLimited(request: HttpRequestView, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw problems.payloadTooLarge(maxBytes);
  const stream = request.body;
  if (stream === null) return new Uint8Array(0);
  const reader: ReadableStreamDefaultReader<Uint8Array> = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw problems.payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** JSON.parse of the bytes; 400 `invalid-json` when they are not UTF-8 JSON. */
export function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch (error: unknown) {
    if (error instanceof SyntaxError || error instanceof TypeError) throw problems.invalidJson();
    throw error;
  }
}

/** The path and query exactly as sent, which is what a signature covers (DESIGN §2). */
export function signedPath(request: HttpRequestView): string {
  const url = new URL(request.url);
  return `${url.pathname}${url.search}`;
}
