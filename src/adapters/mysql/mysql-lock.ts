import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { ExclusiveLock } from '../../core/leaderboard/ports.js';
import type { Logger } from '../../core/logging/logger.js';
import { mysqlCall } from './mysql-errors.js';

/**
 * A lock across replicas with MySQL's named locks. GET_LOCK belongs to a session, so the lock is
 * taken and released on one pooled connection that is held for the whole of `work`; should that
 * connection die, the server frees the lock by itself (no lease to expire, no stale owner).
 */
export function createMysqlLock(options: { readonly pool: Pool; readonly logger: Logger }): ExclusiveLock {
  const { pool, logger } = options;
  return {
    async withLock(lock, work) {
      const conn = await mysqlCall(() => pool.getConnection());
      let locked = false;
      try {
        // GET_LOCK waits whole seconds; 0 answers at once.
        const [rows] = await mysqlCall(() => conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [lock.name, Math.ceil(lock.waitMs / 1000)]));
        // Compared as a number: with bigNumberStrings the BIGINT comes back as '1'.
        if (Number(rows[0]?.got) !== 1) return { acquired: false };
        locked = true;
        return { acquired: true, value: await work() };
      } finally {
        await release({ conn, locked, name: lock.name, logger });
      }
    },
  };
}

async function release(options: { conn: PoolConnection; locked: boolean; name: string; logger: Logger }): Promise<void> {
  const { conn } = options;
  if (!options.locked) {
    conn.release();
    return;
  }
  try {
    await conn.query('SELECT RELEASE_LOCK(?)', [options.name]);
    conn.release();
  } catch (error: unknown) {
    // Ending the session frees the lock server-side; a connection that may still hold it is never pooled again.
    options.logger.warn('releasing a MySQL named lock failed; closing its connection', { lock: options.name, err: error });
    conn.destroy();
  }
}
