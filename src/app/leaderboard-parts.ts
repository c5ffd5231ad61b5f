import { MemoryLeaderboardArchive } from '../adapters/memory/memory-leaderboard-archive.js';
import { MemoryLeaderboardStore } from '../adapters/memory/memory-leaderboard-store.js';
import { MemoryLock } from '../adapters/memory/memory-lock.js';
import { createMysqlLeaderboardArchive } from '../adapters/mysql/mysql-leaderboard-archive.js';
import { createMysqlLock } from '../adapters/mysql/mysql-lock.js';
import { createRedisLeaderboardStore } from '../adapters/redis/redis-leaderboard-store.js';
import { PeriodCalendar } from '../core/leaderboard/periods.js';
import type { ExclusiveLock, LeaderboardArchive, LeaderboardStore } from '../core/leaderboard/ports.js';
import type { AppContext } from './app-context.js';

/** What every leaderboard function shares within one AppContext. */
export interface LeaderboardParts {
  /** Redis when REDIS_URL is set, else memory. */
  readonly store: LeaderboardStore;
  /** MySQL when MYSQL_URL is set, else memory. */
  readonly archive: LeaderboardArchive;
  /** MySQL GET_LOCK when MYSQL_URL is set, else an in-process lock. */
  readonly lock: ExclusiveLock;
  readonly calendar: PeriodCalendar;
}

/**
 * The parts the settings select (called by the composition root, once per AppContext, so the
 * consumer, the query routes and the snapshot share one in-memory board in the embedded default).
 * A part given in `given` (tests, benchmarks: a key prefix, a fake) is not built at all.
 */
export function createLeaderboardParts(app: AppContext, given: Partial<LeaderboardParts> = {}): LeaderboardParts {
  const logger = app.logger.child({ component: 'leaderboards' });
  const build = <K extends keyof LeaderboardParts>(key: K, make: () => LeaderboardParts[K]): LeaderboardParts[K] => given[key] ?? make();
  return {
    store: build('store', () => {
      const client = app.redis;
      return client === undefined ? new MemoryLeaderboardStore() : createRedisLeaderboardStore({ client });
    }),
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
