import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { AcceptedEvent } from '../../core/ingestion/envelope.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ProgressDelta } from '../../core/progression/deltas.js';
import type { ApplyResult, PlayerProgress, ProgressRepository } from '../../core/progression/ports.js';
import { uniquePlayers } from '../memory/memory-progress-repository.js';
import { fromDatetime, mysqlCall, toDatetime } from './mysql-errors.js';

/**
 * Progress in MySQL. One batch is one transaction with a constant number of statements whatever
 * its size: read which eventIds the ledger already has, insert the new ones, and apply the folded
 * deltas with multi-row upserts.
 */
export function createMysqlProgressRepository(options: { readonly pool: Pool; readonly logger: Logger }): ProgressRepository {
  const { pool, logger } = options;
  return {
    applyBatch: ({ events, toDeltas, nowMs }) =>
      mysqlCall(async () => {
        const players = uniquePlayers(events);
        if (events.length === 0) return { applied: 0, duplicates: 0, players } satisfies ApplyResult;
        // A duplicate key on the ledger means another delivery of the same event committed between
        // our read and our insert (a lost lock); running the transaction again sees its rows.
        for (let attempt = 1; ; attempt += 1) {
          try {
            const { applied } = await applyOnce({ pool, logger, events, toDeltas, nowMs });
            return { applied, duplicates: events.length - applied, players };
          } catch (error: unknown) {
            if ((error as { code?: unknown }).code !== 'ER_DUP_ENTRY' || attempt >= 3) throw error;
          }
        }
      }),

    getProgress: ({ playerId, season }) =>
      mysqlCall(async () => {
        const [rows] = await pool.query<RowDataPacket[]>('SELECT xp, boss_kills, max_boss_tier, updated_at FROM player_progress WHERE player_id = ? AND season = ?', [playerId, season]);
        const row = rows[0];
        if (row === undefined) return undefined;
        const progress: PlayerProgress = { playerId, season, xp: Number(row.xp), bossKills: Number(row.boss_kills), maxBossTier: Number(row.max_boss_tier), updatedAtMs: fromDatetime(row.updated_at) };
        return progress;
      }),

    getInventory: ({ playerId, season }) =>
      mysqlCall(async () => {
        const [rows] = await pool.query<RowDataPacket[]>('SELECT item, qty FROM inventory WHERE player_id = ? AND season = ?', [playerId, season]);
        return new Map(rows.map((row) => [String(row.item), Number(row.qty)]));
      }),
  };
}

type Queryable = Pick<Pool, 'query'>;

/**
 * One transaction at READ COMMITTED: the ledger read takes no gap locks, so concurrent batches of
 * different players (different sessions) never deadlock on neighbouring eventIds; one player's
 * batches never run concurrently (sessions), and the ledger's primary key still refuses a
 * duplicate.
 */
async function applyOnce(options: {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly events: readonly AcceptedEvent[];
  readonly toDeltas: (events: readonly AcceptedEvent[]) => ProgressDelta[];
  readonly nowMs: number;
}): Promise<{ applied: number }> {
  const { pool, logger, events, toDeltas, nowMs } = options;
  const conn = await pool.getConnection();
  try {
    await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await conn.beginTransaction();
    const ids = [...new Set(events.map((e) => e.eventId))];
    const [known] = await conn.query<RowDataPacket[]>('SELECT event_id FROM processed_events WHERE event_id IN (?)', [ids]);
    const seen = new Set(known.map((row) => String(row.event_id)));
    const fresh: AcceptedEvent[] = [];
    for (const event of events) {
      if (seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      fresh.push(event);
    }
    const at = toDatetime(nowMs);
    if (fresh.length > 0) {
      await conn.query('INSERT INTO processed_events (event_id, player_id, processed_at) VALUES ?', [fresh.map((e) => [e.eventId, e.playerId, at])]);
      await applyDeltas(conn, toDeltas(fresh), at);
    }
    await conn.commit();
    return { applied: fresh.length };
  } catch (error: unknown) {
    // A failed rollback means the connection is gone, which also discards the transaction; the
    // original error is the one worth reporting, so it is rethrown either way.
    await conn.rollback().catch((rollbackError: unknown) => {
      logger.warn('rollback failed', { err: rollbackError });
    });
    throw error;
  } finally {
    conn.release();
  }
}

async function applyDeltas(conn: Queryable, deltas: readonly ProgressDelta[], at: string): Promise<void> {
  if (deltas.length === 0) return;
  // VALUES(col) reads the row being inserted; MySQL 8 deprecates it in favour of an alias, which
  // MariaDB 10.11 does not support, and both still accept VALUES().
  await conn.query<ResultSetHeader>(
    `INSERT INTO player_progress (player_id, season, xp, boss_kills, max_boss_tier, updated_at) VALUES ?
     ON DUPLICATE KEY UPDATE xp = xp + VALUES(xp), boss_kills = boss_kills + VALUES(boss_kills),
       max_boss_tier = GREATEST(max_boss_tier, VALUES(max_boss_tier)), updated_at = VALUES(updated_at)`,
    [deltas.map((d) => [d.playerId, d.season, d.xp, d.bossKills, d.maxBossTier, at])],
  );
  const items = deltas.flatMap((d) => [...d.items].map(([item, qty]) => [d.playerId, d.season, item, qty]));
  if (items.length > 0) {
    await conn.query('INSERT INTO inventory (player_id, season, item, qty) VALUES ? ON DUPLICATE KEY UPDATE qty = qty + VALUES(qty)', [items]);
  }
}
