import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse, type HttpResponseInit } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedHttpRequest, writeResponse } from '../../../src/local/http-adapter.js';

function embedded(options: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {}): EmbeddedHttpRequest {
  return new EmbeddedHttpRequest({
    method: options.method ?? 'POST',
    url: new URL(options.url ?? 'http://localhost:7071/api/events?a=1&b=two'),
    headers: options.headers ?? { 'content-type': 'application/json', 'x-multi': ['one', 'two'] },
    params: { playerId: 'ann' },
    body: Buffer.from(options.body ?? '{"x":1}'),
  });
}

describe('EmbeddedHttpRequest', () => {
  it('offers what handlers read from the SDK request: method, url, headers, query, params', () => {
    const request = embedded();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://localhost:7071/api/events?a=1&b=two');
    expect(request.headers.get('Content-Type')).toBe('application/json');
    expect(request.headers.get('x-multi')).toBe('one, two');
    expect(request.query.get('b')).toBe('two');
    expect(request.params).toEqual({ playerId: 'ann' });
  });

  it('reads the body once, in any of the ways fetch allows', async () => {
    expect(await embedded().json()).toEqual({ x: 1 });
    expect(new TextDecoder().decode(await embedded().arrayBuffer())).toBe('{"x":1}');
    const streamed = embedded();
    const chunks: Uint8Array[] = [];
    const body = streamed.body;
    if (body === null) throw new Error('expected a body');
    for await (const chunk of body) chunks.push(chunk as Uint8Array);
    expect(Buffer.concat(chunks).toString()).toBe('{"x":1}');
    await expect(streamed.text()).rejects.toThrow(TypeError);
  });

  it('has no body stream on GET, like the SDK request', () => {
    expect(embedded({ method: 'GET', body: '' }).body).toBeNull();
  });
});

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open !== undefined) await new Promise<void>((resolve) => { open.close(() => { resolve(); }); });
});

/** What a node client receives when the server writes `result` with writeResponse. */
async function written(result: HttpResponseInit | HttpResponse): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  const listening = createServer((_req, res) => {
    void writeResponse(res, result);
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = listening.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }); });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('writeResponse', () => {
  it('serialises jsonBody with a JSON content type and an exact Content-Length', async () => {
    const res = await written({ status: 201, jsonBody: { ok: 'é' }, headers: { 'Cache-Control': 'no-store' } });
    expect(res).toMatchObject({ status: 201, body: '{"ok":"é"}' });
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength('{"ok":"é"}')));
  });

  it('keeps a content type the handler set, and writes bytes and strings as given', async () => {
    expect(await written({ status: 200, body: 'a=1', headers: { 'Content-Type': 'text/plain; version=0.0.4' } })).toMatchObject({ body: 'a=1', headers: { 'content-type': 'text/plain; version=0.0.4' } });
    const bytes = await written({ status: 200, body: new TextEncoder().encode('{"n":2}'), headers: { 'content-type': 'application/json' } });
    expect(bytes).toMatchObject({ body: '{"n":2}', headers: { 'content-type': 'application/json', 'content-length': '7' } });
  });

  it('sends no body for 204, even when one is given', async () => {
    const res = await written({ status: 204, jsonBody: { ignored: true } });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
  });

  it('takes the SDK path for an HttpResponse and for cookies', async () => {
    expect(await written(new HttpResponse({ status: 202, jsonBody: { a: 1 } }))).toMatchObject({ status: 202, body: '{"a":1}' });
    const withCookie = await written({ status: 200, body: 'x', cookies: [{ name: 'session', value: 'abc' }] });
    expect(withCookie.headers['set-cookie']).toEqual(['session=abc']);
  });
});
