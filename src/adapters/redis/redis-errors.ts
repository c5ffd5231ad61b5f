import { DependencyUnavailableError } from '../../core/errors/errors.js';

/**
 * Replies Redis sends while it cannot serve for a while (loading after a restart, a replica
 * during failover, cluster resharding, a busy script, memory full). They are outages, not bugs.
 */
const TRANSIENT_REPLIES = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|OOM|MOVED|ASK)\b/;

/**
 * Runs one Redis operation; connection-level failures (refused, closed, timed out) and the
 * transient replies above become `DependencyUnavailableError('redis')`, which the edge renders as
 * 503 with Retry-After and consumers treat as retryable. Any other `ReplyError` is Redis refusing
 * a command we built (a script bug, WRONGTYPE): our fault, so it propagates unchanged as a 500.
 */
export async function redisCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error: unknown) {
    if (error instanceof Error && error.name === 'ReplyError' && !TRANSIENT_REPLIES.test(error.message)) throw error;
    throw new DependencyUnavailableError({ dependency: 'redis', cause: error });
  }
}
