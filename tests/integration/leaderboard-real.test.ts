import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/adapters/logging/json-logger.js';
import { defaultMigrationsDir, migrate } from '../../src/adapters/mysql/migrations.js';
import { createRedisLeaderboardStore } from '../../src/adapters/redis/redis-leaderboard-store.js';
import type { AppContext } from '../../src/app/app-context.js';
import type { LeaderboardPrize } from '../../src/core/config/settings-prizes.js';
import { PeriodCalendar } from '../../src/core/leaderboard/periods.js';
import { getLeaderboard, getLeaderboardHistory, getLeaderboardPlayer } from '../../src/functions/leaderboard/routes.js';
import { adminLeaderboardSnapshot } from '../../src/functions/leaderboard/snapshot.js';
import { handlerOf, signedRequest } from '../support/gateway.js';
import { consumerOf, fakeGrants, get, leaderboardApp, verified } from '../support/leaderboard.js';
import { createTestDatabase, integrationSuite, type TestDatabase } from '../support/services.js';

const DAY_MS = 86_400_000;
const PRIZES: LeaderboardPrize[] = [{ board: 'points', window: 'daily', rank: 1, rankTo: 2, rewardId: 'daily_top2', item: 'trophy', qty: 1 }];

/**
 * End to end on the real servers: the consumer writes Redis, the routes read it, two replicas
 * snapshot to MariaDB at once. Redis expires keys on its own clock, so the test runs at the real
 * time and files its events two days back (a day that has closed whatever the time of day).
 */
integrationSuite('leaderboards on real Redis and MariaDB', ['redis', 'mysql'], (urls) => {
  const now = Date.now();
  const twoDaysAgo = now - 2 * DAY_MS;
  const closedDay = new PeriodCalendar('UTC').periodAt({ window: 'daily', atMs: twoDaysAgo, season: 1 }).id;
  const prefix = `liveops-test:${randomBytes(6).toString('hex')}:`;
  const grants = fakeGrants();
  let db: TestDatabase;
  let replicas: AppContext[] = [];

  function replica(): AppContext {
    return leaderboardApp({
      env: { REDIS_URL: urls.redis, MYSQL_URL: db.url },
      now: () => now,
      prizes: PRIZES,
      grants,
      parts: (app) => {
        const client = app.redis;
        if (client === undefined) throw new Error('expected Redis');
        return { store: createRedisLeaderboardStore({ client, prefix }) };
      },
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase(urls.mysql);
    replicas = [replica(), replica()];
    const pool = replicas[0]?.mysql;
    if (pool === undefined) throw new Error('expected MySQL');
    await migrate({ pool, dir: defaultMigrationsDir(), logger: silentLogger });
  });

  afterAll(async () => {
    const client = replicas[0]?.redis;
    const keys = (await client?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await client?.del(...keys);
    for (const app of replicas) await app.close();
    await db.drop();
  });

  const app = (): AppContext => replicas[0] ?? (() => { throw new Error('no replica'); })();
  const snapshot = (on: AppContext) => handlerOf(adminLeaderboardSnapshot, on)(signedRequest({ method: 'POST', path: '/api/admin/leaderboards/snapshot', body: '', tS: Math.floor(now / 1000) }));

  it('applies a batch once however often it is delivered, and serves ranks from Redis', async () => {
    const batch = [
      verified({ playerId: 'ann', value: 300, ts: twoDaysAgo }),
      verified({ playerId: 'bob', value: 500, ts: twoDaysAgo + 1000 }),
      verified({ playerId: 'cid', value: 300, ts: twoDaysAgo + 2000 }),
      verified({ playerId: 'ann', value: 100, ts: now - 1000 }),
    ];
    const deliver = consumerOf(app());
    await deliver(batch);
    await Promise.all([deliver(batch), consumerOf(replicas[1]!)(batch)]);
    const top = await handlerOf(getLeaderboard, app())(get(`/api/leaderboards/points/daily?period=${closedDay}`, { board: 'points', window: 'daily' }));
    expect(top.json()).toEqual({ board: 'points', window: 'daily', period: closedDay, total: 3, entries: [{ rank: 1, playerId: 'bob', score: 500 }, { rank: 2, playerId: 'ann', score: 300 }, { rank: 3, playerId: 'cid', score: 300 }] });
    const player = await handlerOf(getLeaderboardPlayer, app())(get('/api/leaderboards/points/alltime/players/ann?around=1', { board: 'points', window: 'alltime', playerId: 'ann' }));
    expect(player.json()).toMatchObject({ rank: 2, score: 400, total: 3, neighbors: [{ rank: 1, playerId: 'bob', score: 500 }, { rank: 2, playerId: 'ann', score: 400 }, { rank: 3, playerId: 'cid', score: 300 }] });
  });

  it('closes a period exactly once and pays its prizes once when two replicas snapshot together', async () => {
    const [a, b] = await Promise.all(replicas.map((r) => snapshot(r)));
    expect([a?.status, b?.status]).toEqual([200, 200]);
    const closures = [a, b].flatMap((res) => (res?.json().closedPeriods ?? []) as { board: string; window: string; period: string }[]).filter((c) => c.board === 'points' && c.window === 'daily' && c.period === closedDay);
    expect(closures).toEqual([{ board: 'points', window: 'daily', period: closedDay, players: 3, archived: 3 }]);
    const pool = app().mysql;
    if (pool === undefined) throw new Error('expected MySQL');
    const [rows] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM lb_hall_of_fame WHERE board = ? AND time_window = ? AND period = ?', ['points', 'daily', closedDay]);
    expect(Number(rows[0]?.n)).toBe(3);
    expect([...grants.issued.values()].filter((g) => g.grantId.includes(closedDay)).map((g) => [g.grantId, g.playerId])).toEqual([
      [`lb:points:daily:${closedDay}:1:daily_top2`, 'bob'],
      [`lb:points:daily:${closedDay}:2:daily_top2`, 'ann'],
    ]);

    const history = await handlerOf(getLeaderboardHistory, app())(get(`/api/leaderboards/points/daily/history?period=${closedDay}&limit=2`, { board: 'points', window: 'daily' }));
    expect(history.json()).toMatchObject({ period: closedDay, players: 3, total: 3, entries: [{ rank: 1, playerId: 'bob', score: 500 }, { rank: 2, playerId: 'ann', score: 300 }] });
  });

  it('refuses events for the closed day and keeps one snapshot copy per period when run again', async () => {
    await consumerOf(app())([verified({ playerId: 'eve', value: 9999, ts: twoDaysAgo })]);
    const top = await handlerOf(getLeaderboard, app())(get(`/api/leaderboards/points/daily?period=${closedDay}`, { board: 'points', window: 'daily' }));
    expect(top.json().total).toBe(3);
    expect(await app().metrics.getSingleMetricAsString('liveops_leaderboard_updates_total')).toContain('window="daily",result="closed"');

    const again = await snapshot(app());
    expect(again.json().closedPeriods).toEqual([]);
    const pool = app().mysql;
    if (pool === undefined) throw new Error('expected MySQL');
    const [rows] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM lb_snapshot_entries WHERE board = 'points' AND time_window = 'alltime' AND period = 'alltime'");
    // ann, bob, cid and eve: one row each, however many snapshots ran.
    expect(Number(rows[0]?.n)).toBe(4);
  });
});
