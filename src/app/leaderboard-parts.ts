import { MemoryLeaderboardArchive } from '../adapters/memory/memory-leaderboard-archive.js';
import { MemoryLeaderboardStore } from '../adapters/memory/memory-leaderboard-store.js';
import { MemoryLock } from '../adapters/memory/memory-lock.js';
import { createMysqlLeaderboardArchive } from '../adapters/mysql/mysql-leaderboard-archive.js';
import { createMysqlLock } from '../adapters/mysql/mysql-lock.js';
import { createRedisLeaderboardStore } from '../adapters/redis/redis-leaderboard-store.js';
import { PeriodCalendar } from '../core/leaderboard/periods.js';
import type { ExclusiveLock, LeaderboardArchive, LeaderboardStore } from '../core/leaderboard/ports.js';
import { forgettingWrites, TopPageCache } from '../core/leaderboard/top-cache.js';
import type { AppContext } from './app-context.js';

/** What every leaderboard function shares within one AppContext. */
export interface LeaderboardParts {
  /** Redis when REDIS_URL is set, else memory; its writes forget the cached top pages they change. */
  readonly store: LeaderboardStore;
  /** The rendered top pages the query routes serve for LB_CACHE_MS (core/leaderboard/top-cache.ts). */
  readonly topPages: TopPageCache<Uint8Array>;
  /** MySQL when MYSQL_URL is set, else memory. */
  readonly archive: LeaderboardArchive;
  /** MySQL GET_LOCK when MYSQL_URL is set, else an in-process lock. */
  readonly lock: ExclusiveLock;
  readonly calendar: PeriodCalendar;
}

/**
 * The parts the settings select (called by the composition root, once per AppContext, so the
 * consumer, the query routes and the snapshot share one in-memory board in the embedded default).
 * A part given in `given` (tests, benchmarks: a key prefix, a fake) is not built at all; a given
 * store's writes still forget the cached top pages, as a built one's do.
 */
export function createLeaderboardParts(app: AppContext, given: Partial<LeaderboardParts> = {}): LeaderboardParts {
  const logger = app.logger.child({ component: 'leaderboards' });
  const build = <K extends keyof LeaderboardParts>(key: K, make: () => LeaderboardParts[K]): LeaderboardParts[K] => given[key] ?? make();
  const topPages = build('topPages', () => new TopPageCache<Uint8Array>({ ttlMs: app.settings.leaderboards.topCacheMs }));
  return {
    topPages,
    store: forgettingWrites(
      build('store', () => {
        const client = app.redis;
        return client === undefined ? new MemoryLeaderboardStore() : createRedisLeaderboardStore({ client });
      }),
      topPages,
    ),
    archive: build('archive', () => {
      const pool = app.mysql;
      return pool === undefined ? new MemoryLeaderboardArchive() : createMysqlLeaderboardArchive({ pool, logger });
    }),
    lock: build('lock', () => {
      const pool = app.mysql;
      return pool === undefined ? new MemoryLock() : createMysqlLock({ pool, logger });
    }),
    calendar: build('calendar', () => new PeriodCalendar(app.settings.leaderboards.timeZone)),
  };
}
