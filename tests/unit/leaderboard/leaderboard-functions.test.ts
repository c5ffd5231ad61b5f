import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../src/adapters/memory/memory-bus.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { leaderboardConsumer } from '../../../src/functions/leaderboard/consumer.js';
import { getLeaderboard, getLeaderboardCompat, getLeaderboardHistory, getLeaderboardPlayer } from '../../../src/functions/leaderboard/routes.js';
import type { LeaderboardStore } from '../../../src/core/leaderboard/ports.js';
import { MemoryLeaderboardStore } from '../../../src/adapters/memory/memory-leaderboard-store.js';
import { DependencyUnavailableError } from '../../../src/core/errors/errors.js';
import { startBusConsumers } from '../../../src/local/bus-runner.js';
import { handlerOf, NOW_MS } from '../../support/gateway.js';
import { consumerOf, get, leaderboardApp, verified } from '../../support/leaderboard.js';

const HOUR = 3_600_000;
/** Tuesday 2026-11-24 10:00 UTC, the day before NOW_MS (Wednesday 2026-11-25 08:00 UTC). */
const YESTERDAY = NOW_MS - 22 * HOUR;

function setup(env: Record<string, string> = {}): { app: AppContext; deliver: ReturnType<typeof consumerOf>; top: (board: string, window: string, query?: string) => Promise<Record<string, unknown>> } {
  const app = leaderboardApp({ env, now: () => NOW_MS });
  const deliver = consumerOf(app);
  const route = handlerOf(getLeaderboard, app);
  const top = async (board: string, window: string, query = ''): Promise<Record<string, unknown>> => {
    const res = await route(get(`/api/leaderboards/${board}/${window}${query}`, { board, window }));
    expect(res.status).toBe(200);
    return res.json();
  };
  return { app, deliver, top };
}

describe('leaderboard consumer and top-N', () => {
  it('adds points per player and ranks them; equal scores rank who got there first higher', async () => {
    const { deliver, top } = setup();
    await deliver([
      verified({ playerId: 'ann', value: 500, ts: NOW_MS - 3000 }),
      verified({ playerId: 'bob', value: 700, ts: NOW_MS - 2000 }),
      verified({ playerId: 'cid', value: 300, ts: NOW_MS - 1000 }),
      verified({ playerId: 'ann', value: 200, ts: NOW_MS - 500 }),
      verified({ playerId: 'dee', value: 700, ts: NOW_MS }),
    ]);
    const board = await top('points', 'daily');
    expect(board).toEqual({
      board: 'points',
      window: 'daily',
      period: '2026-11-25',
      total: 4,
      entries: [
        // bob reached 700 at 07:59:58, ann at 07:59:59 (her second event), dee at 08:00:00.
        { rank: 1, playerId: 'bob', score: 700 },
        { rank: 2, playerId: 'ann', score: 700 },
        { rank: 3, playerId: 'dee', score: 700 },
        { rank: 4, playerId: 'cid', score: 300 },
      ],
    });
    expect(await top('points', 'weekly', '?limit=2&offset=2')).toMatchObject({ period: '2026-W48', total: 4, entries: [{ rank: 3, playerId: 'dee' }, { rank: 4, playerId: 'cid' }] });
    expect(await top('points', 'seasonal')).toMatchObject({ period: 'S1', total: 4 });
    expect(await top('points', 'alltime')).toMatchObject({ period: 'alltime', total: 4 });
    expect(await top('xp', 'daily')).toMatchObject({ total: 0, entries: [] });
  });

  it('changes nothing when a batch is redelivered, and counts the duplicates', async () => {
    const { app, deliver, top } = setup();
    const batch = [verified({ playerId: 'ann', value: 500, ts: NOW_MS - 3000 }), verified({ playerId: 'bob', value: 100, ts: NOW_MS - 2000 })];
    await deliver(batch);
    await deliver(batch);
    await deliver([batch[1]!, verified({ playerId: 'bob', value: 1, ts: NOW_MS - 1000 })]);
    expect((await top('points', 'alltime')).entries).toEqual([{ rank: 1, playerId: 'ann', score: 500 }, { rank: 2, playerId: 'bob', score: 101 }]);
    const metrics = await app.metrics.getSingleMetricAsString('liveops_leaderboard_updates_total');
    expect(metrics).toContain('liveops_leaderboard_updates_total{board="points",window="daily",result="applied",service="liveops"} 3');
    expect(metrics).toContain('liveops_leaderboard_updates_total{board="points",window="daily",result="duplicate",service="liveops"} 3');
  });

  it('files an event under the period of its own time, in LEADERBOARD_TZ', async () => {
    const { deliver, top } = setup({ LEADERBOARD_TZ: 'Asia/Seoul' });
    // 2026-11-24 14:59:59 UTC is 23:59:59 on the 24th in Seoul; one second later it is the 25th.
    await deliver([verified({ playerId: 'ann', value: 10, ts: Date.parse('2026-11-24T14:59:59Z') }), verified({ playerId: 'bob', value: 20, ts: Date.parse('2026-11-24T15:00:00Z') })]);
    expect((await top('points', 'daily', '?period=2026-11-24')).entries).toEqual([{ rank: 1, playerId: 'ann', score: 10 }]);
    expect((await top('points', 'daily')).entries).toEqual([{ rank: 1, playerId: 'bob', score: 20 }]);
    expect((await top('points', 'weekly')).total).toBe(2);
  });

  it('keeps the best match score on best boards and the season of the event on seasonal ones', async () => {
    const { deliver, top } = setup({ SEASON_ID: '3' });
    await deliver([
      verified({ type: 'match_end', playerId: 'ann', value: 900, ts: NOW_MS - 5000, season: 3 }),
      verified({ type: 'match_end', playerId: 'ann', value: 400, ts: NOW_MS - 4000, season: 3 }),
      verified({ type: 'match_end', playerId: 'bob', value: 950, ts: NOW_MS - 3000, season: 2 }),
      // Five seasons ahead of SEASON_ID: not counted on the seasonal board (one ahead would be).
      verified({ type: 'match_end', playerId: 'cid', value: 999, ts: NOW_MS - 2000, season: 8 }),
    ]);
    expect((await top('best_match', 'daily')).entries).toEqual([{ rank: 1, playerId: 'cid', score: 999 }, { rank: 2, playerId: 'bob', score: 950 }, { rank: 3, playerId: 'ann', score: 900 }]);
    expect((await top('best_match', 'seasonal')).entries).toEqual([{ rank: 1, playerId: 'ann', score: 900 }]);
    expect((await top('best_match', 'seasonal', '?period=S2')).entries).toEqual([{ rank: 1, playerId: 'bob', score: 950 }]);
  });

  it('retries a batch in place while the store is briefly down, applying it once', async () => {
    const store = new MemoryLeaderboardStore();
    let failures = 1;
    const flaky: LeaderboardStore = {
      apply: (options) => (failures-- > 0 ? Promise.reject(new DependencyUnavailableError({ dependency: 'redis' })) : store.apply(options)),
      range: (options) => store.range(options),
      around: (options) => store.around(options),
      close: (options) => store.close(options),
    };
    const app = leaderboardApp({ now: () => NOW_MS, parts: () => ({ store: flaky }) });
    await consumerOf(app)([verified({ playerId: 'ann', value: 5, ts: NOW_MS })]);
    expect((await store.range({ key: { board: 'points', window: 'daily', period: '2026-11-25' }, order: 'desc', offset: 0, limit: 10, nowMs: NOW_MS })).total).toBe(1);
  });

  it('dead-letters a message that is not an envelope and applies the rest of its batch', async () => {
    const app = leaderboardApp({ now: () => NOW_MS });
    const bus = app.bus;
    if (!(bus instanceof MemoryBus)) throw new Error('expected the memory bus');
    const consumers = startBusConsumers({ app, definitions: [leaderboardConsumer] });
    try {
      const good = verified({ playerId: 'ann', value: 5, ts: NOW_MS });
      await bus.send('liveops-verified', [good, { messageId: 'bad-1', sessionId: 'ann', body: { nonsense: true }, applicationProperties: {} }]);
      await bus.idle();
      expect(bus.deadLetters({ topic: 'liveops-verified', subscription: 'leaderboard' })).toEqual([expect.objectContaining({ reason: 'InvalidEnvelope', message: expect.objectContaining({ messageId: 'bad-1' }) as unknown })]);
      const res = await handlerOf(getLeaderboard, app)(get('/api/leaderboards/points/daily', { board: 'points', window: 'daily' }));
      expect(res.json().entries).toEqual([{ rank: 1, playerId: 'ann', score: 5 }]);
    } finally {
      await consumers.close();
    }
  });
});

describe('leaderboard queries', () => {
  it("finds a player's rank with the ranks around them; 404 when unranked", async () => {
    const { app, deliver } = setup();
    await deliver(Array.from({ length: 10 }, (_, i) => verified({ playerId: `player_${i}`, value: 1000 - i * 10, ts: NOW_MS - 1000 })));
    const player = handlerOf(getLeaderboardPlayer, app);
    const res = await player(get('/api/leaderboards/points/daily/players/player_4?around=1', { board: 'points', window: 'daily', playerId: 'player_4' }));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      board: 'points',
      window: 'daily',
      period: '2026-11-25',
      playerId: 'player_4',
      rank: 5,
      score: 960,
      total: 10,
      neighbors: [
        { rank: 4, playerId: 'player_3', score: 970 },
        { rank: 5, playerId: 'player_4', score: 960 },
        { rank: 6, playerId: 'player_5', score: 950 },
      ],
    });
    const alone = await player(get('/api/leaderboards/points/daily/players/player_0', { board: 'points', window: 'daily', playerId: 'player_0' }));
    expect(alone.json()).toMatchObject({ rank: 1, neighbors: [{ rank: 1, playerId: 'player_0' }] });
    const missing = await player(get('/api/leaderboards/points/daily/players/nobody', { board: 'points', window: 'daily', playerId: 'nobody' }));
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ type: 'urn:liveops:problem:not-found', detail: 'nobody is not ranked on points daily 2026-11-25' });
  });

  it('answers 400 naming the allowed values for a bad board, window, period or page', async () => {
    const { app } = setup();
    const top = handlerOf(getLeaderboard, app);
    const ask = async (board: string, window: string, query = ''): Promise<Record<string, unknown>> => {
      const res = await top(get(`/api/leaderboards/${board}/${window}${query}`, { board, window }));
      expect(res.status).toBe(400);
      return res.json();
    };
    expect((await ask('nope', 'daily')).errors).toEqual([{ path: 'board', message: 'board must be one of points, xp, best_match', allowed: ['points', 'xp', 'best_match'] }]);
    expect((await ask('points', 'monthly')).errors).toEqual([{ path: 'window', message: 'window must be one of daily, weekly, seasonal, alltime for board points', allowed: ['daily', 'weekly', 'seasonal', 'alltime'] }]);
    expect((await ask('points', 'weekly', '?period=2026-11-25')).errors).toEqual([{ path: 'query.period', message: "period must be 'current' or an ISO week like 2026-W48" }]);
    expect((await ask('points', 'weekly', '?period=2027-W53')).errors).toEqual([{ path: 'query.period', message: "period must be 'current' or an ISO week like 2026-W48" }]);
    const limitError = { path: 'query.limit', message: 'limit must be an integer from 1 to 1000' };
    for (const bad of ['1001', '0', '2.5', 'ten']) expect((await ask('points', 'daily', `?limit=${bad}`)).errors).toEqual([limitError]);
    expect((await ask('points', 'daily', '?offset=-1')).errors).toEqual([{ path: 'query.offset', message: 'offset must be an integer from 0 to 100000000' }]);
    const player = await handlerOf(getLeaderboardPlayer, app)(get('/api/leaderboards/points/daily/players/ann?around=51', { board: 'points', window: 'daily', playerId: 'ann' }));
    expect(player.status).toBe(400);
    expect(player.json().errors).toEqual([{ path: 'query.around', message: 'around must be an integer from 0 to 50' }]);
  });

  it('serves the prototype route on the default board, current period', async () => {
    const { app, deliver } = setup();
    await deliver([verified({ playerId: 'ann', value: 5, ts: NOW_MS }), verified({ playerId: 'bob', value: 9, ts: NOW_MS })]);
    const compat = handlerOf(getLeaderboardCompat, app);
    const res = await compat(get('/api/leaderboard?window=weekly&limit=1', {}));
    expect(res.json()).toEqual({ board: 'points', window: 'weekly', period: '2026-W48', total: 2, entries: [{ rank: 1, playerId: 'bob', score: 9 }] });
    expect((await compat(get('/api/leaderboard', {}))).json()).toMatchObject({ window: 'daily', period: '2026-11-25' });
    expect((await compat(get('/api/leaderboard?window=alltime', {}))).status).toBe(400);
  });

  it('refuses history for the current period and all-time, and 404s a period never closed', async () => {
    const { app } = setup();
    const history = handlerOf(getLeaderboardHistory, app);
    const ask = (window: string, query: string) => history(get(`/api/leaderboards/points/${window}/history${query}`, { board: 'points', window }));
    expect((await ask('daily', '?period=current')).status).toBe(400);
    expect((await ask('daily', '')).status).toBe(400);
    expect((await ask('alltime', '?period=alltime')).json().errors).toEqual([{ path: 'window', message: 'window must be one of daily, weekly, seasonal for board points', allowed: ['daily', 'weekly', 'seasonal'] }]);
    const missing = await ask('daily', `?period=2026-11-24`);
    expect(missing.status).toBe(404);
  });

  it('counts an event for a period already closed nowhere in that period', async () => {
    const { app, deliver, top } = setup();
    await deliver([verified({ playerId: 'ann', value: 5, ts: YESTERDAY })]);
    await app.leaderboards.store.close({ key: { board: 'points', window: 'daily', period: '2026-11-24' }, expiry: undefined, nowMs: NOW_MS });
    await deliver([verified({ playerId: 'bob', value: 7, ts: YESTERDAY })]);
    expect((await top('points', 'daily', '?period=2026-11-24')).entries).toEqual([{ rank: 1, playerId: 'ann', score: 5 }]);
    // The weekly board of the same event was still open.
    expect((await top('points', 'weekly')).total).toBe(2);
    expect(await app.metrics.getSingleMetricAsString('liveops_leaderboard_updates_total')).toContain('window="daily",result="closed"');
  });
});
