import { DependencyUnavailableError } from '../../core/errors/errors.js';

/**
 * Errors that mean "MySQL cannot serve right now" rather than "this statement is wrong": the
 * connection failed or dropped, the server is overloaded, or a transaction lost a deadlock or
 * timed out on a lock (retrying the whole transaction is the documented remedy for those two).
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_QUERY_INTERRUPTED',
]);

export function isTransientMysqlError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, fatal } = error as { code?: unknown; fatal?: unknown };
  return (typeof code === 'string' && TRANSIENT_CODES.has(code)) || fatal === true || (error instanceof Error && /Pool is closed|connect ETIMEDOUT/.test(error.message));
}

/** Runs one MySQL operation; a transient failure becomes DependencyUnavailableError('mysql'). */
export async function mysqlCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error: unknown) {
    if (isTransientMysqlError(error)) throw new DependencyUnavailableError({ dependency: 'mysql', cause: error });
    throw error;
  }
}

/** DATETIME(3) as mysql2 returns it with `dateStrings` (UTC sessions) → epoch ms. */
export function fromDatetime(value: unknown): number {
  return Date.parse(`${String(value).replace(' ', 'T')}Z`);
}

/** Epoch ms → a DATETIME(3) literal for a UTC session. */
export function toDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
