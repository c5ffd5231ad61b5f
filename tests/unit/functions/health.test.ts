import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { Dependency } from '../../../src/core/health/dependency.js';
import { healthz, READINESS_CACHE_MS, readyz } from '../../../src/functions/health.js';
import { testApp } from '../../support/app.js';

const get = (path: string): HttpRequest => new HttpRequest({ method: 'GET', url: `http://localhost:7071${path}` });
const ctx = (): InvocationContext => new InvocationContext({ functionName: 'test', invocationId: 'inv-test' });

describe('health functions', () => {
  it('healthz answers 200 without touching any dependency', async () => {
    const { app } = testApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const res = await healthz.handler(app)(get('/api/healthz'), ctx());
    expect(res).toMatchObject({ status: 200, jsonBody: { status: 'ok' } });
    await app.close();
  });

  it('readyz answers 200 on the embedded defaults with the bus reported as embedded', async () => {
    const { app } = testApp();
    const res = await readyz.handler(app)(get('/api/readyz'), ctx());
    expect(res).toMatchObject({ status: 200, jsonBody: { status: 'ready', dependencies: { bus: { status: 'up', mode: 'embedded' } } } });
    await app.close();
  });

  it('readyz answers 503 with Retry-After naming redis when Redis is unreachable', async () => {
    const { app } = testApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const res = await readyz.handler(app)(get('/api/readyz'), ctx());
    expect(res).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      jsonBody: { status: 'not_ready', dependencies: { redis: { status: 'down', mode: 'real' }, bus: { status: 'up' } } },
    });
    await app.close();
  });

  it('readyz pings once per READINESS_CACHE_MS however many anonymous calls come (#19 item 8)', async () => {
    let nowMs = Date.UTC(2026, 11, 6, 12, 0, 0); // 2026-12-06 12:00 UTC, pinned
    const { app: base } = testApp({ now: () => nowMs });
    let pings = 0;
    let failing = false;
    const counted: Dependency = {
      name: 'redis',
      mode: 'real',
      ping: () => { pings += 1; return failing ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve(); },
      close: () => Promise.resolve(),
    };
    const app = { ...base, dependencies: [counted] };
    const handler = readyz.handler(app);
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => handler(get('/api/readyz'), ctx())));
    expect(statuses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(pings).toBe(1);

    failing = true;
    nowMs += READINESS_CACHE_MS - 1;
    expect((await handler(get('/api/readyz'), ctx())).status).toBe(200);
    expect(pings).toBe(1);
    nowMs += 1;
    expect((await handler(get('/api/readyz'), ctx())).status).toBe(503);
    expect(pings).toBe(2);
    // A down answer is remembered as well: an outage is not a reason to ping harder.
    expect((await handler(get('/api/readyz'), ctx())).status).toBe(503);
    expect(pings).toBe(2);
    await base.close();
  });
});
