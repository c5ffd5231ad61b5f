import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import type { Logger } from '../../core/logging/logger.js';

/**
 * The Functions host redelivers a failed Service Bus invocation at once (DESIGN §3): a short Redis
 * or MySQL outage would burn the whole delivery budget in a second and dead-letter good events.
 * So a consumer retries a *known* outage (DependencyUnavailableError) itself, with exponential
 * backoff, for up to `maxWaitMs`, holding the session lock (renewed by the host). Only after that
 * does it give the message back. `maxWaitMs` stays below the shutdown grace period, so a worker
 * being stopped is never stuck here longer than it may wait.
 */
/** Below SHUTDOWN_GRACE_S' default (25 s), so a stopping worker is never held longer. */
export const CONSUMER_RETRY_MS = 20_000;

export async function retryTransient<T>(options: {
  readonly operation: () => Promise<T>;
  readonly logger: Logger;
  /** Default CONSUMER_RETRY_MS. */
  readonly maxWaitMs?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}): Promise<T> {
  const wait = options.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  const now = options.now ?? Date.now;
  const deadline = now() + (options.maxWaitMs ?? CONSUMER_RETRY_MS);
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
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}
