import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import type { Logger } from '../../core/logging/logger.js';

/**
 * The Functions host redelivers a failed Service Bus invocation at once (DESIGN §3): an outage
 * would burn the whole delivery budget in seconds and dead-letter good events. So a consumer
 * that meets a *known* outage (DependencyUnavailableError) holds its batch and retries in place,
 * with exponential backoff, for up to `maxWaitMs`, before it gives the batch back.
 *
 * Holding is what keeps per-player order: the triggers are session-enabled, and while one batch
 * of a session is held nobody receives the session's later messages, so nothing can overtake
 * it (rescheduling a copy and completing the original would let later messages pass it; see
 * docs/production-path.md for why that was rejected). The host renews the session lock while we
 * hold (host.json `maxAutoLockRenewalDuration`, above this hold, and `functionTimeout` above
 * both); the memory bus' lock duration is above it too. With the entities' max delivery count
 * of 10, an outage of up to about 10 × CONSUMER_HOLD_MS (40 min) dead-letters nothing.
 *
 * A worker stopped mid-hold simply loses the lock: the batch is redelivered (one delivery spent)
 * and the idempotent consumers apply it once.
 */
export const CONSUMER_HOLD_MS = 4 * 60_000;

export async function retryTransient<T>(options: {
  readonly operation: () => Promise<T>;
  readonly logger: Logger;
  /** Default CONSUMER_HOLD_MS. */
  readonly maxWaitMs?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}): Promise<T> {
  const wait = options.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  const now = options.now ?? Date.now;
  const deadline = now() + (options.maxWaitMs ?? CONSUMER_HOLD_MS);
  let delay = options.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await options.operation();
    } catch (error: unknown) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      if (now() + delay > deadline) {
        options.logger.error('dependency still unavailable; the batch goes back to the bus', { dependency: error.dependency, attempts: attempt });
        throw error;
      }
      options.logger.warn('dependency unavailable; retrying the batch', { dependency: error.dependency, attempt, delayMs: delay });
      await wait(delay);
      // Capped so a recovered dependency is noticed within half a minute.
      delay = Math.min(delay * 2, options.maxDelayMs ?? 30_000);
    }
  }
}
