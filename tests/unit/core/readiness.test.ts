import { describe, expect, it } from 'vitest';
import type { Dependency } from '../../../src/core/health/dependency.js';
import { checkReadiness } from '../../../src/core/health/readiness.js';

const dep = (name: string, ping: () => Promise<void>): Dependency => ({ name, mode: 'real', ping, close: () => Promise.resolve() });

describe('checkReadiness', () => {
  it('is ready when every dependency answers', async () => {
    const r = await checkReadiness({ dependencies: [dep('redis', () => Promise.resolve())], timeoutMs: 100, now: Date.now });
    expect(r.ready).toBe(true);
    expect(r.dependencies.redis).toMatchObject({ status: 'up', mode: 'real' });
  });

  it('reports a refused connection by its code, and a hung one as a timeout, without hanging', async () => {
    const refused = dep('redis', () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    const hung = dep('mysql', () => new Promise<void>(() => undefined));
    const ok = dep('tables', () => Promise.resolve());
    const r = await checkReadiness({ dependencies: [refused, hung, ok], timeoutMs: 50, now: Date.now });
    expect(r.ready).toBe(false);
    expect(r.dependencies.redis).toMatchObject({ status: 'down', reason: 'ECONNREFUSED' });
    expect(r.dependencies.mysql).toMatchObject({ status: 'down', reason: 'timeout' });
    expect(r.dependencies.tables).toMatchObject({ status: 'up' });
  });
});
