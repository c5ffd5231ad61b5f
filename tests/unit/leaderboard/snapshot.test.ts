import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import type { LeaderboardPrize } from '../../../src/core/config/settings-prizes.js';
import { getLeaderboardHistory } from '../../../src/functions/leaderboard/routes.js';
import { adminLeaderboardSnapshot } from '../../../src/functions/leaderboard/snapshot.js';
import { handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';
import { consumerOf, fakeGrants, get, leaderboardApp, timerOf, verified } from '../../support/leaderboard.js';

const HOUR = 3_600_000;
/** Tuesday 2026-11-24 10:00 UTC, the day before NOW_MS (Wednesday 2026-11-25 08:00 UTC). */
const YESTERDAY = NOW_MS - 22 * HOUR;

const PRIZES: LeaderboardPrize[] = [
  { board: 'points', window: 'daily', rank: 1, rankTo: 1, rewardId: 'daily_champion', item: 'trophy_gold', qty: 1 },
  { board: 'points', window: 'daily', rank: 2, rankTo: 3, rewardId: 'daily_podium', item: 'trophy_silver', qty: 2 },
];

async function snapshotNow(app: AppContext): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handlerOf(adminLeaderboardSnapshot, app)(signedRequest({ method: 'POST', path: '/api/admin/leaderboards/snapshot', body: '', tS: Math.floor(app.now() / 1000) }));
  return { status: res.status ?? 200, body: res.json() };
}

async function seedYesterdayAndToday(app: AppContext): Promise<void> {
  await consumerOf(app)([
    verified({ playerId: 'ann', value: 900, ts: YESTERDAY }),
    verified({ playerId: 'bob', value: 800, ts: YESTERDAY + 1000 }),
    verified({ playerId: 'cid', value: 700, ts: YESTERDAY + 2000 }),
    verified({ playerId: 'dee', value: 600, ts: YESTERDAY + 3000 }),
    verified({ playerId: 'ann', value: 50, ts: NOW_MS - 1000 }),
  ]);
}

describe('leaderboard snapshot', () => {
  it('writes the current standings and archives each ended period once, with its final standings', async () => {
    let now = NOW_MS;
    const app = leaderboardApp({ now: () => now, env: { LB_TOPN: '3' } });
    await seedYesterdayAndToday(app);
    const first = await snapshotNow(app);
    expect(first.status).toBe(200);
    const snapshots = first.body.snapshots as { board: string; window: string; period: string; players: number; written: number }[];
    expect(snapshots).toHaveLength(12);
    expect(snapshots).toContainEqual({ board: 'points', window: 'weekly', period: '2026-W48', players: 4, written: 3 });
    const closed = first.body.closedPeriods as { board: string; window: string; period: string }[];
    // Per board: the 7 days before today (the 24th back to the 18th) and the 4 weeks before this one.
    expect(closed).toHaveLength(3 * (7 + 4));
    expect(closed).toContainEqual({ board: 'points', window: 'daily', period: '2026-11-24', players: 4, archived: 3 });
    expect(closed).toContainEqual({ board: 'points', window: 'weekly', period: '2026-W47', players: 0, archived: 0 });

    const history = handlerOf(getLeaderboardHistory, app);
    const final = await history(get('/api/leaderboards/points/daily/history?period=2026-11-24', { board: 'points', window: 'daily' }));
    expect(final.json()).toEqual({
      board: 'points',
      window: 'daily',
      period: '2026-11-24',
      closedAt: '2026-11-25T08:00:00.000Z',
      players: 4,
      total: 3,
      entries: [{ rank: 1, playerId: 'ann', score: 900 }, { rank: 2, playerId: 'bob', score: 800 }, { rank: 3, playerId: 'cid', score: 700 }],
      prizes: { state: 'none', awards: [] },
    });

    now += 15 * 60_000;
    const second = await snapshotNow(app);
    expect(second.body.closedPeriods).toEqual([]);
    const { archive } = app.leaderboards;
    expect(await archive.snapshotOf({ board: 'points', window: 'daily', period: '2026-11-25' })).toEqual({ takenAtMs: now, players: 1, entries: [{ rank: 1, playerId: 'ann', score: 50 }] });
    // The closed day no longer takes events.
    await consumerOf(app)([verified({ playerId: 'eve', value: 5000, ts: YESTERDAY })]);
    expect((await history(get('/api/leaderboards/points/daily/history?period=2026-11-24', { board: 'points', window: 'daily' }))).json().entries).toHaveLength(3);
  });

  it('closes the day only after the grace that follows midnight', async () => {
    // Wednesday 2026-11-25 00:03 UTC: the 24th ended three minutes ago.
    let now = Date.parse('2026-11-25T00:03:00Z');
    const app = leaderboardApp({ now: () => now });
    await consumerOf(app)([verified({ playerId: 'ann', value: 1, ts: Date.parse('2026-11-24T23:59:59Z') })]);
    const early = await snapshotNow(app);
    expect(early.body.closedPeriods).not.toContainEqual(expect.objectContaining({ board: 'points', window: 'daily', period: '2026-11-24' }));
    // A late event within the grace still counts for the 24th.
    await consumerOf(app)([verified({ playerId: 'bob', value: 2, ts: Date.parse('2026-11-24T23:59:59Z') })]);
    now = Date.parse('2026-11-25T00:05:00Z');
    const late = await snapshotNow(app);
    expect(late.body.closedPeriods).toContainEqual({ board: 'points', window: 'daily', period: '2026-11-24', players: 2, archived: 2 });
  });

  it('grants the configured prizes to the top of a closed period once, and retries grants that failed', async () => {
    const grants = fakeGrants();
    const app = leaderboardApp({ now: () => NOW_MS, prizes: PRIZES, grants });
    await seedYesterdayAndToday(app);
    grants.failNext(1);
    const first = await snapshotNow(app);
    // The first grant failed: that period stays owed; the other six (empty) days are settled.
    expect(first.body.prizes).toEqual({ granted: 0, pending: 1 });
    const second = await snapshotNow(app);
    expect(second.body.prizes).toEqual({ granted: 3, pending: 0 });
    expect([...grants.issued.values()]).toEqual([
      { grantId: 'lb:points:daily:2026-11-24:1:daily_champion', playerId: 'ann', rewardId: 'daily_champion', item: 'trophy_gold', qty: 1, season: 1 },
      { grantId: 'lb:points:daily:2026-11-24:2:daily_podium', playerId: 'bob', rewardId: 'daily_podium', item: 'trophy_silver', qty: 2, season: 1 },
      { grantId: 'lb:points:daily:2026-11-24:3:daily_podium', playerId: 'cid', rewardId: 'daily_podium', item: 'trophy_silver', qty: 2, season: 1 },
    ]);
    // The final standings show who won what, and that it was paid (issue #18: the console shows it).
    const history = await handlerOf(getLeaderboardHistory, app)(get('/api/leaderboards/points/daily/history?period=2026-11-24', { board: 'points', window: 'daily' }));
    expect(history.json().prizes).toEqual({
      state: 'granted',
      awards: [
        { rank: 1, playerId: 'ann', rewardId: 'daily_champion', item: 'trophy_gold', qty: 1 },
        { rank: 2, playerId: 'bob', rewardId: 'daily_podium', item: 'trophy_silver', qty: 2 },
        { rank: 3, playerId: 'cid', rewardId: 'daily_podium', item: 'trophy_silver', qty: 2 },
      ],
    });
    const calls = grants.calls.length;
    expect((await snapshotNow(app)).body.prizes).toEqual({ granted: 0, pending: 0 });
    expect(grants.calls).toHaveLength(calls);
    expect(await app.metrics.getSingleMetricAsString('liveops_leaderboard_prizes_granted_total')).toContain('liveops_leaderboard_prizes_granted_total{service="liveops"} 3');
  });

  it('pays prizes as receipts through the progression grant interface of the AppContext', async () => {
    const app = leaderboardApp({ now: () => NOW_MS, prizes: PRIZES });
    await seedYesterdayAndToday(app);
    expect((await snapshotNow(app)).body.prizes).toEqual({ granted: 3, pending: 0 });
    // Asking again for the same grant id returns the receipt issued by the snapshot.
    const again = await app.grants.grant({ grantId: 'lb:points:daily:2026-11-24:1:daily_champion', playerId: 'ann', rewardId: 'daily_champion', item: 'trophy_gold', qty: 1, season: 1 });
    expect(again.created).toBe(false);
    expect(await app.progression.verify(again.receipt)).toMatchObject({ valid: true, claims: { sub: 'ann', rwd: 'daily_champion', item: 'trophy_gold', qty: 1 } });
  });

  it('keeps prizes owed while no grant interface is wired', async () => {
    const app = leaderboardApp({ now: () => NOW_MS, prizes: PRIZES, grants: undefined });
    const withoutGrants = new Proxy(app, { get: (target, key, receiver) => (key === 'grants' ? undefined : Reflect.get(target, key, receiver) as unknown) });
    await seedYesterdayAndToday(withoutGrants);
    expect((await snapshotNow(withoutGrants)).body.prizes).toEqual({ granted: 0, pending: 7 });
  });

  it('lets one of several timers that fire together do the work', async () => {
    let now = NOW_MS;
    const app = leaderboardApp({ now: () => now });
    await seedYesterdayAndToday(app);
    const [a, b, c] = [timerOf(app), timerOf(app), timerOf(app)];
    await Promise.all([a(), b(), c()]);
    const runs = await app.metrics.getSingleMetricAsString('liveops_leaderboard_snapshot_runs_total');
    expect(runs).toContain('liveops_leaderboard_snapshot_runs_total{trigger="timer",outcome="ok",service="liveops"} 1');
    expect(runs).toContain('liveops_leaderboard_snapshot_runs_total{trigger="timer",outcome="busy",service="liveops"} 2');
    expect(await app.metrics.getSingleMetricAsString('liveops_leaderboard_closed_periods_total')).toContain('liveops_leaderboard_closed_periods_total{window="daily",service="liveops"} 21');
    now += 90_000;
    expect(await app.metrics.getSingleMetricAsString('liveops_leaderboard_snapshot_age_seconds')).toContain('liveops_leaderboard_snapshot_age_seconds{scope="cluster",service="liveops"} 90');
    expect(await app.metrics.getSingleMetricAsString('liveops_leaderboard_snapshot_duration_seconds')).toContain('liveops_leaderboard_snapshot_duration_seconds_count{service="liveops",trigger="timer"} 1');
  });

  it('is an admin route: unsigned or non-admin requests are refused', async () => {
    const app = leaderboardApp({ now: () => NOW_MS, env: { HMAC_KEYS: JSON.stringify({ game: 'game-key-0123456789abcdef0123456789abcdef', ops: 'ops-key-0123456789abcdef0123456789abcdef00' }), ADMIN_KEY_IDS: 'ops' } });
    const handler = handlerOf(adminLeaderboardSnapshot, app);
    const path = '/api/admin/leaderboards/snapshot';
    expect((await handler(signedRequest({ method: 'POST', path, body: '', headers: { 'x-signature': '' } }))).status).toBe(401);
    expect((await handler(signedRequest({ method: 'POST', path, body: '', kid: 'game', key: 'game-key-0123456789abcdef0123456789abcdef' }))).status).toBe(403);
    expect((await handler(signedRequest({ method: 'POST', path, body: '', kid: 'ops', key: 'ops-key-0123456789abcdef0123456789abcdef00' }))).status).toBe(200);
  });
});
