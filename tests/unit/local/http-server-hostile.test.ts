import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { functions } from '../../../src/functions/catalog.js';
import { startEmbeddedHost, type EmbeddedHost } from '../../../src/local/embedded-host.js';
import type { HttpTimeouts } from '../../../src/local/http-server.js';
import { testApp } from '../../support/app.js';

// Issue #19 item 7: every request the embedded host can read gets an RFC 9457 answer, over a real
// socket, as a hostile or broken client would send it; the host binds loopback unless told.

const SHORT: HttpTimeouts = { headersMs: 300, requestMs: 600, keepAliveMs: 500, checkIntervalMs: 50 };

let host: EmbeddedHost | undefined;
afterEach(async () => {
  await host?.stop(500);
  host = undefined;
});

async function start(options: { readonly env?: Record<string, string> } = {}): Promise<number> {
  const { app } = testApp({ env: { MAX_BODY_BYTES: '4096', ...options.env } });
  // No `host`: the default bind address is under test.
  host = await startEmbeddedHost({ app, definitions: functions, port: 0, timers: false, timeouts: SHORT });
  return host.address.port;
}

interface RawResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
  /** Milliseconds from connecting to the server closing the connection. */
  readonly closedAfterMs: number;
}

/** Opens a socket, lets `send` write to it, and collects everything until the server closes. */
function raw(port: number, send: (socket: Socket) => void): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while the client still writes (EPIPE): the answer read so far counts.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => { send(socket); });
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}

function problem(response: RawResponse): Record<string, unknown> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('the embedded host under hostile HTTP', () => {
  it('listens on 127.0.0.1 by default, not on every interface', async () => {
    await start();
    expect(host?.address.address).toBe('127.0.0.1');
    const lan = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
    if (lan !== undefined && host !== undefined) {
      // When this machine has a LAN address, a connection to it is refused.
      const port = host.address.port;
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(port, lan.address);
        socket.on('connect', () => { socket.destroy(); resolve('connected'); });
        socket.on('error', (error: NodeJS.ErrnoException) => { resolve(error.code ?? 'error'); });
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
  });

  it('answers an invalid Host header with a 400 problem instead of dropping the connection', async () => {
    const port = await start();
    const res = await raw(port, (s) => s.write('GET /api/healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(problem(res)).toMatchObject({ type: 'urn:liveops:problem:bad-request', status: 400 });
  });

  it('answers what the HTTP parser refuses with a problem: a bad header byte 400, oversized headers 431', async () => {
    const port = await start();
    const bad = await raw(port, (s) => s.write('GET /api/healthz HTTP/1.1\r\nHost: x\r\nBad\u0001Name: y\r\n\r\n'));
    expect(bad.status).toBe(400);
    expect(problem(bad)).toMatchObject({ type: 'urn:liveops:problem:bad-request' });
    const huge = await raw(port, (s) => s.write(`GET /api/healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(huge.status).toBe(431);
    expect(problem(huge)).toMatchObject({ type: 'urn:liveops:problem:header-fields-too-large', status: 431 });
  });

  it('answers headers that never finish with a 408 problem once the header timeout passes', async () => {
    const port = await start();
    const res = await raw(port, (s) => s.write('GET /api/healthz HTTP/1.1\r\nHost: x\r\n'));
    expect(res.status).toBe(408);
    expect(problem(res)).toMatchObject({ type: 'urn:liveops:problem:request-timeout', status: 408 });
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(SHORT.headersMs);
  });

  it('answers an oversized chunked body with 413 before closing, and stops draining it at the request timeout', async () => {
    const port = await start();
    let timer: NodeJS.Timeout | undefined;
    const res = await raw(port, (s) => {
      s.write('POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(1_024);
      // 8 KiB at once (over the 4 KiB limit), then a trickle that never ends.
      for (let i = 0; i < 8; i += 1) s.write(`400\r\n${chunk}\r\n`);
      timer = setInterval(() => { if (!s.destroyed) s.write(`400\r\n${chunk}\r\n`); }, 20);
    });
    clearInterval(timer);
    expect(res.status).toBe(413);
    expect(problem(res)).toMatchObject({ type: 'urn:liveops:problem:payload-too-large', limitBytes: 4096 });
    // The trickle would go on forever: the server ended it (well before the client's 5 s).
    expect(res.closedAfterMs).toBeLessThan(3_000);
  });
});
