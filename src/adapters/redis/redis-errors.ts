import { DependencyUnavailableError } from '../../core/errors/errors.js';

/**
 * Runs one Redis operation; connection-level failures (refused, closed, timed out, offline queue
 * disabled) become `DependencyUnavailableError('redis')`, which the edge renders as 503 with
 * Retry-After and consumers treat as transient. A `ReplyError` is Redis refusing a command we sent
 * (a script bug, WRONGTYPE): that is our fault, not an outage, so it propagates unchanged.
 */
export async function redisCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error: unknown) {
    if (error instanceof Error && error.name === 'ReplyError') throw error;
    throw new DependencyUnavailableError({ dependency: 'redis', cause: error });
  }
}
