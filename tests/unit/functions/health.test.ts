import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { healthz, readyz } from '../../../src/functions/health.js';
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
});
