import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/adapters/logging/json-logger.js';
import { defaultMigrationsDir, migrate } from '../../src/adapters/mysql/migrations.js';
import { createRedisLeaderboardStore } from '../../src/adapters/redis/redis-leaderboard-store.js';
import type { AppContext } from '../../src/app/app-context.js';
import type { LeaderboardPrize } from '../../src/core/config/settings-prizes.js';
import { PeriodCalendar } from '../../src/core/leaderboard/periods.js';
import { adminLeaderboardSnapshot } from '../../src/functions/leaderboard/snapshot.js';
import { handlerOf, signedRequest } from '../support/gateway.js';
import { consumerOf, leaderboardApp, verified } from '../support/leaderboard.js';
import { createTestDatabase, integrationSuite, type TestDatabase } from '../support/services.js';

const DAY_MS = 86_400_000;
const PRIZES: LeaderboardPrize[] = [{ board: 'points', window: 'daily', rank: 1, rankTo: 2, rewardId: 'daily_top2', item: 'trophy', qty: 1 }];

/**
 * Prizes through the real grant interface: the progression service of the AppContext, issuing
 * signed receipts into MariaDB. Runs at the real time (Redis expires on its clock) with events
 * two days back, on a day that has closed whatever the time of day.
 */
integrationSuite('leaderboard prizes as receipts on real Redis and MariaDB', ['redis', 'mysql'], (urls) => {
  const now = Date.now();
  const twoDaysAgo = now - 2 * DAY_MS;
  const closedDay = new PeriodCalendar('UTC').periodAt({ window: 'daily', atMs: twoDaysAgo, season: 1 }).id;
  const prefix = `liveops-test:${randomBytes(6).toString('hex')}:`;
  let db: TestDatabase;
  let app: AppContext | undefined;

  const appOf = (): AppContext => app ?? (() => { throw new Error('no app'); })();
  const snapshot = () => handlerOf(adminLeaderboardSnapshot, appOf())(signedRequest({ method: 'POST', path: '/api/admin/leaderboards/snapshot', body: '', tS: Math.floor(now / 1000) }));

  beforeAll(async () => {
    db = await createTestDatabase(urls.mysql);
    app = leaderboardApp({
      env: { REDIS_URL: urls.redis, MYSQL_URL: db.url },
      now: () => now,
      prizes: PRIZES,
      parts: (ctx) => {
        const client = ctx.redis;
        if (client === undefined) throw new Error('expected Redis');
        return { store: createRedisLeaderboardStore({ client, prefix }) };
      },
    });
    const pool = app.mysql;
    if (pool === undefined) throw new Error('expected MySQL');
    await migrate({ pool, dir: defaultMigrationsDir(), logger: silentLogger });
  });

  afterAll(async () => {
    const client = app?.redis;
    const keys = (await client?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await client?.del(...keys);
    await app?.close();
    await db.drop();
  });

  it('pays the top of a closed day once, as receipts that verify, however often the snapshot runs', async () => {
    await consumerOf(appOf())([
      verified({ playerId: 'ann', value: 300, ts: twoDaysAgo }),
      verified({ playerId: 'bob', value: 500, ts: twoDaysAgo + 1000 }),
      verified({ playerId: 'cid', value: 100, ts: twoDaysAgo + 2000 }),
    ]);
    const first = await snapshot();
    expect(first.status).toBe(200);
    expect(first.json().prizes).toEqual({ granted: 2, pending: 0 });
    expect((await snapshot()).json().prizes).toEqual({ granted: 0, pending: 0 });

    const pool = appOf().mysql;
    if (pool === undefined) throw new Error('expected MySQL');
    const [receipts] = await pool.query<RowDataPacket[]>('SELECT player_id, reward_id, grant_id, item, qty, jws FROM receipts ORDER BY grant_id');
    expect(receipts.map((r) => [String(r.player_id), String(r.reward_id), String(r.grant_id), String(r.item), Number(r.qty)])).toEqual([
      ['bob', 'daily_top2', `lb:points:daily:${closedDay}:1:daily_top2`, 'trophy', 1],
      ['ann', 'daily_top2', `lb:points:daily:${closedDay}:2:daily_top2`, 'trophy', 1],
    ]);
    for (const row of receipts) {
      const verdict = await appOf().progression.verify(String(row.jws));
      expect(verdict).toMatchObject({ valid: true, claims: { sub: String(row.player_id), rwd: 'daily_top2', item: 'trophy', qty: 1 } });
    }
    const [periods] = await pool.query<RowDataPacket[]>("SELECT prizes FROM lb_closed_periods WHERE board = 'points' AND time_window = 'daily' AND period = ?", [closedDay]);
    expect(periods.map((p) => String(p.prizes))).toEqual(['granted']);
  });
});
