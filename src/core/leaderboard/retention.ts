import type { Period } from './periods.js';
import type { Expiry } from './ports.js';

const DAY_MS = 86_400_000;

/**
 * How long a board key lives (DESIGN §4: a reset is a key change, the old key expires). Daily and
 * weekly keys outlive their period by the span the snapshot looks back for closed periods
 * (docs/leaderboards.md), so a missed closure can still be archived from Redis.
 */
export const RETENTION = {
  /** Daily keys: 7 days after the day ends (about 8 days in all). */
  dailyAfterEndMs: 7 * DAY_MS,
  /** Weekly keys: 4 weeks after the week ends (about 5 weeks in all). */
  weeklyAfterEndMs: 28 * DAY_MS,
  /** Seasonal keys: 400 days after their last write (a season has no clock end). */
  seasonalIdleMs: 400 * DAY_MS,
} as const;

/** The expiry of a period's board key; all-time keys never expire. */
export function expiryOf(period: Period): Expiry {
  switch (period.window) {
    case 'daily':
      return { atMs: period.endMs + RETENTION.dailyAfterEndMs };
    case 'weekly':
      return { atMs: period.endMs + RETENTION.weeklyAfterEndMs };
    case 'seasonal':
      return { afterMs: RETENTION.seasonalIdleMs };
    case 'alltime':
      return undefined;
  }
}
