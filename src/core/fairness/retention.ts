import type { Settings } from '../config/types.js';
import type { FairnessRetention } from './ports.js';

/**
 * How long a verdict is remembered by eventId. The gateway remembers an eventId at least this long
 * (see `gatewayDedupTtlMs`), so an id cannot come back with another body while fairness would still
 * reuse its old verdict (issue #19 item 1).
 */
export const VERDICT_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * The gateway's memory of an accepted eventId: the Idempotency-Key horizon or the verdict's,
 * whichever is longer. The leaderboard's own dedup (24 h) is shorter; the progression ledger is
 * longer, where a reused id is only ever a no-op.
 */
export function gatewayDedupTtlMs(settings: Settings): number {
  return Math.max(settings.limits.idempotencyTtlS * 1000, VERDICT_TTL_MS);
}

/**
 * How long fairness remembers what, derived from settings. The flood window keeps ten minutes of
 * arrivals (not one second) so a backlog on the queue is still judged by enqueue time; verdicts
 * are kept a week, far beyond Service Bus' redelivery horizon.
 */
export function fairnessRetention(settings: Settings): FairnessRetention {
  return {
    historyLength: settings.fairness.history,
    populationLength: 1_000,
    eventWindowMs: 10 * 60 * 1000,
    flagWindowMs: settings.fairness.flagWindowS * 1000,
    verdictTtlMs: VERDICT_TTL_MS,
  };
}
