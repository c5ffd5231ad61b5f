import type { RateDecision } from './ports.js';

export interface Bucket {
  readonly tokens: number;
  readonly atMs: number;
}

/**
 * One token-bucket step, pure: refill for the time since the last step (capped at `burst`), then
 * take `cost` tokens or none. The Redis script implements the same arithmetic in Lua. A cost above
 * the burst can never be served; it is refused with the time a full bucket takes, so the client
 * backs off instead of spinning.
 */
export function refill(options: {
  readonly bucket: Bucket | undefined;
  readonly ratePerSec: number;
  readonly burst: number;
  readonly cost: number;
  readonly nowMs: number;
}): { decision: RateDecision; bucket: Bucket; idleExpiryMs: number } {
  const { ratePerSec, burst, cost, nowMs } = options;
  const previous = options.bucket ?? { tokens: burst, atMs: nowMs };
  const elapsedMs = Math.max(0, nowMs - previous.atMs);
  const tokens = Math.min(burst, previous.tokens + (elapsedMs * ratePerSec) / 1000);
  // After this long untouched the bucket is full again, so it may be forgotten.
  const idleExpiryMs = Math.ceil((burst / ratePerSec) * 1000) + 1_000;
  if (cost <= tokens) {
    return { decision: { allowed: true }, bucket: { tokens: tokens - cost, atMs: nowMs }, idleExpiryMs };
  }
  const missing = Math.min(cost, burst) - tokens;
  const retryAfterMs = cost > burst ? Math.ceil((burst / ratePerSec) * 1000) : Math.ceil((missing / ratePerSec) * 1000);
  return { decision: { allowed: false, retryAfterMs: Math.max(1, retryAfterMs) }, bucket: { tokens, atMs: nowMs }, idleExpiryMs };
}
