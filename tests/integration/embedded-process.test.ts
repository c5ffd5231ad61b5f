import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Drives the real `npm start` entry point (src/local/main.ts through tsx) as a child process:
 * start-up, refusal of bad settings, readiness with a dead dependency, graceful SIGTERM.
 */

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  return { child, output: () => output, exited };
}

async function waitForHealth(base: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${base}/api/healthz`);
      return Date.now() - started + (res.status === 200 ? 0 : Number.NaN);
    } catch (error: unknown) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('npm start (embedded host process)', () => {
  it('starts with no settings, prints one line per part, and answers healthz within 10 s', async () => {
    const port = await freePort();
    const p = launch({ PORT: String(port) });
    const elapsed = await waitForHealth(`http://127.0.0.1:${port}`, 10_000);
    expect(elapsed).toBeLessThan(10_000);
    for (const part of ['http', 'bus', 'redis', 'mysql', 'tables', 'signing', 'secrets']) {
      expect(p.output()).toMatch(new RegExp(`"part":"${part}","mode":"(embedded|real)"`));
    }
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('refuses to start with a short HMAC key: exit code 1, message names HMAC_KEYS, no stack trace', async () => {
    const p = launch({ HMAC_KEYS: '{"k":"short"}' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain("HMAC_KEYS: key 'k' is 5 bytes; at least 32 required");
    expect(p.output()).not.toMatch(/\n\s+at /);
    expect(p.output()).not.toContain('short"');
  });

  it('with REDIS_URL on a closed port: readyz is 503 naming redis and the process keeps serving', async () => {
    const port = await freePort();
    const closed = await freePort();
    const p = launch({ PORT: String(port), REDIS_URL: `redis://127.0.0.1:${closed}` });
    await waitForHealth(`http://127.0.0.1:${port}`, 10_000);
    const ready = await fetch(`http://127.0.0.1:${port}/api/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    const body = (await ready.json()) as { dependencies: Record<string, { status: string }> };
    expect(body.dependencies.redis?.status).toBe('down');
    expect((await fetch(`http://127.0.0.1:${port}/api/healthz`)).status).toBe(200);
    expect(p.child.exitCode).toBeNull();
  });

  it('on SIGTERM lets the in-flight request complete, then exits 0', async () => {
    // A TCP server that accepts and never answers makes the Redis ping (and so readyz) slow.
    const sockets: Socket[] = [];
    const blackHole: Server = createServer((s) => sockets.push(s));
    blackHole.listen(0, '127.0.0.1');
    await once(blackHole, 'listening');
    const holePort = (blackHole.address() as { port: number }).port;
    try {
      const port = await freePort();
      const p = launch({ PORT: String(port), REDIS_URL: `redis://127.0.0.1:${holePort}`, SHUTDOWN_GRACE_S: '10' });
      await waitForHealth(`http://127.0.0.1:${port}`, 10_000);
      const inFlight = fetch(`http://127.0.0.1:${port}/api/readyz`);
      await new Promise((r) => setTimeout(r, 300));
      p.child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(503);
      expect(((await res.json()) as { dependencies: { redis: { reason: string } } }).dependencies.redis.reason).toBe('timeout');
      expect(await p.exited).toBe(0);
      expect(p.output()).toContain('"msg":"stopped"');
    } finally {
      for (const s of sockets) s.destroy();
      blackHole.close();
    }
  });
});
