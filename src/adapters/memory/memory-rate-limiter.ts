import type { RateDecision, RateLimiter } from '../../core/ingestion/ports.js';
import { refill, type Bucket } from '../../core/ingestion/token-bucket.js';
import { ExpiringMap } from './expiring-map.js';

/** Token buckets in process memory; the arithmetic is shared with the Redis script's documentation. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new ExpiringMap<Bucket>();

  take(options: { key: string; ratePerSec: number; burst: number; cost: number; nowMs: number }): Promise<RateDecision> {
    const { decision, bucket, idleExpiryMs } = refill({ bucket: this.#buckets.get(options.key, options.nowMs), ...options });
    this.#buckets.set(options.key, bucket, options.nowMs + idleExpiryMs, options.nowMs);
    return Promise.resolve(decision);
  }
}
