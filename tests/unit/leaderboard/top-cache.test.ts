import { describe, expect, it } from 'vitest';
import { MemoryLeaderboardStore } from '../../../src/adapters/memory/memory-leaderboard-store.js';
import { CACHED_TOP_DEPTH, forgettingWrites, TopPageCache } from '../../../src/core/leaderboard/top-cache.js';
import { getLeaderboard, getLeaderboardCompat } from '../../../src/functions/leaderboard/routes.js';
import { leaderboardStoreContract, update } from '../../contract/leaderboard-store.contract.js';
import { handlerOf, NOW_MS } from '../../support/gateway.js';
import { consumerOf, get, leaderboardApp, verified } from '../../support/leaderboard.js';

// Forgetting pages on writes must leave the store's behaviour exactly as it was.
leaderboardStoreContract('memory, forgetting cached pages on writes', () => forgettingWrites(new MemoryLeaderboardStore(), new TopPageCache({ ttlMs: 60_000 })));

/** Wednesday 2026-11-25: NOW_MS is 08:00 UTC. */
const KEY = { board: 'points', window: 'daily', period: '2026-11-25' } as const;

describe('TopPageCache', () => {
  it('loads a page once per ttlMs, and each page of a board separately', async () => {
    const pages = new TopPageCache<string>({ ttlMs: 1000 });
    const loads: string[] = [];
    const page = (offset: number, limit: number, nowMs: number) =>
      pages.get({ key: KEY, offset, limit, nowMs, load: () => Promise.resolve(`${offset}:${limit}@${nowMs}`).then((v) => { loads.push(v); return v; }) });
    expect(await page(0, 100, NOW_MS)).toBe(`0:100@${NOW_MS}`);
    expect(await page(0, 100, NOW_MS + 999)).toBe(`0:100@${NOW_MS}`);
    expect(await page(0, 10, NOW_MS + 999)).toBe(`0:10@${NOW_MS + 999}`);
    expect(await page(0, 100, NOW_MS + 1000)).toBe(`0:100@${NOW_MS + 1000}`);
    expect(loads).toHaveLength(3);
  });

  it('does not cache pages that reach below the top 1000', async () => {
    const pages = new TopPageCache<number>({ ttlMs: 1000 });
    let loads = 0;
    const load = (): Promise<number> => Promise.resolve((loads += 1));
    await pages.get({ key: KEY, offset: CACHED_TOP_DEPTH - 10, limit: 11, nowMs: NOW_MS, load });
    await pages.get({ key: KEY, offset: CACHED_TOP_DEPTH - 10, limit: 11, nowMs: NOW_MS, load });
    expect(loads).toBe(2);
  });

  it('forgets every page of one board key, and only of that key', async () => {
    const pages = new TopPageCache<string>({ ttlMs: 60_000 });
    const other = { ...KEY, window: 'weekly' as const, period: '2026-W48' };
    const read = (key: typeof KEY | typeof other, value: string) => pages.get({ key, offset: 0, limit: 10, nowMs: NOW_MS, load: () => Promise.resolve(value) });
    await read(KEY, 'daily v1');
    await read(other, 'weekly v1');
    pages.forget(KEY);
    expect(await read(KEY, 'daily v2')).toBe('daily v2');
    expect(await read(other, 'weekly v2')).toBe('weekly v1');
  });
});

describe('cached top pages through the routes', () => {
  function setup(env: Record<string, string> = {}) {
    let nowMs = NOW_MS;
    // The raw store stands for Redis as another process (the consumer's pods) writes it.
    const raw = new MemoryLeaderboardStore();
    const app = leaderboardApp({ env, now: () => nowMs, parts: () => ({ store: raw }) });
    const route = handlerOf(getLeaderboard, app);
    const compat = handlerOf(getLeaderboardCompat, app);
    const totalOf = async (path = '/api/leaderboards/points/daily'): Promise<unknown> => {
      const res = await (path.startsWith('/api/leaderboard?') ? compat(get(path, {})) : route(get(path, { board: 'points', window: 'daily' })));
      expect(res.status).toBe(200);
      return res.json().total;
    };
    const writeElsewhere = (playerId: string) => raw.apply({ updates: [update({ key: KEY, playerId, value: 10 })], nowMs });
    return { app, totalOf, writeElsewhere, advance: (ms: number) => { nowMs += ms; } };
  }

  it("serves another process's write once the page is LB_CACHE_MS old, not before", async () => {
    const { totalOf, writeElsewhere, advance } = setup({ LB_CACHE_MS: '1000' });
    expect(await totalOf()).toBe(0);
    expect(await totalOf('/api/leaderboard?window=daily&limit=10')).toBe(0);
    await writeElsewhere('ann');
    advance(999);
    expect(await totalOf()).toBe(0);
    expect(await totalOf('/api/leaderboard?window=daily&limit=10')).toBe(0);
    advance(1);
    expect(await totalOf()).toBe(1);
    expect(await totalOf('/api/leaderboard?window=daily&limit=10')).toBe(1);
  });

  it('serves this process\'s own writes at once (the embedded host runs consumer and routes together)', async () => {
    const { app, totalOf } = setup({ LB_CACHE_MS: '60000' });
    expect(await totalOf()).toBe(0);
    await consumerOf(app)([verified({ playerId: 'ann', value: 5, ts: NOW_MS })]);
    expect(await totalOf()).toBe(1);
  });

  it('reads the store every time with LB_CACHE_MS=0', async () => {
    const { totalOf, writeElsewhere } = setup({ LB_CACHE_MS: '0' });
    expect(await totalOf()).toBe(0);
    await writeElsewhere('ann');
    expect(await totalOf()).toBe(1);
  });
});
