import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { AcceptedEvent } from '../../core/ingestion/envelope.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ProgressDelta } from '../../core/progression/deltas.js';
import { capItemKinds } from '../../core/progression/item-kinds.js';
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
    applyBatch: ({ events, toDeltas, nowMs, maxItemKinds }) =>
      mysqlCall(async () => {
        const players = uniquePlayers(events);
        if (events.length === 0) return { applied: 0, duplicates: 0, players, itemsRefused: 0 } satisfies ApplyResult;
        // A duplicate key on the ledger means another delivery of the same event committed between
        // our read and our insert (a lost lock); running the transaction again sees its rows.
        for (let attempt = 1; ; attempt += 1) {
          try {
            const { applied, itemsRefused } = await applyOnce({ pool, logger, events, toDeltas, nowMs, maxItemKinds });
            return { applied, duplicates: events.length - applied, players, itemsRefused };
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

    pruneLedger: ({ processedBeforeMs, limit }) =>
      mysqlCall(async () => {
        // processed_events_at (migration 0005) makes this an index range scan of the oldest rows.
        const [result] = await pool.query<ResultSetHeader>('DELETE FROM processed_events WHERE processed_at < ? ORDER BY processed_at LIMIT ?', [toDatetime(processedBeforeMs), limit]);
        return result.affectedRows;
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
  readonly maxItemKinds: number;
}): Promise<{ applied: number; itemsRefused: number }> {
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
    let itemsRefused = 0;
    if (fresh.length > 0) {
      await conn.query('INSERT INTO processed_events (event_id, player_id, processed_at) VALUES ?', [fresh.map((e) => [e.eventId, e.playerId, at])]);
      const capped = await capInventory(conn, toDeltas(fresh), options.maxItemKinds);
      itemsRefused = capped.refused;
      await applyDeltas(conn, capped.deltas, at);
    }
    await conn.commit();
    return { applied: fresh.length, itemsRefused };
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

/**
 * MAX_ITEM_KINDS against what the rows hold (core/progression/item-kinds.ts). Two reads, only for
 * batches with drops: the item count per player-season (an index-only count on the primary key
 * prefix) and which of the batch's items exist. Within the transaction and one player's session,
 * nobody else adds items to these rows meanwhile.
 */
async function capInventory(conn: Queryable, deltas: readonly ProgressDelta[], maxKinds: number): Promise<{ deltas: ProgressDelta[]; refused: number }> {
  const withItems = deltas.filter((d) => d.items.size > 0);
  if (withItems.length === 0) return { deltas: [...deltas], refused: 0 };
  const [counts] = await conn.query<RowDataPacket[]>('SELECT player_id, season, COUNT(*) AS kinds FROM inventory WHERE (player_id, season) IN (?) GROUP BY player_id, season', [
    withItems.map((d) => [d.playerId, d.season]),
  ]);
  const [present] = await conn.query<RowDataPacket[]>('SELECT player_id, season, item FROM inventory WHERE (player_id, season, item) IN (?)', [
    withItems.flatMap((d) => [...d.items.keys()].map((item) => [d.playerId, d.season, item])),
  ]);
  const key = (playerId: unknown, season: unknown): string => `${String(playerId)}\u0000${String(season)}`;
  const kinds = new Map(counts.map((row) => [key(row.player_id, row.season), Number(row.kinds)]));
  const held = new Set(present.map((row) => `${key(row.player_id, row.season)}\u0000${String(row.item)}`));
  let refused = 0;
  const capped = deltas.map((delta) => {
    if (delta.items.size === 0) return delta;
    const k = key(delta.playerId, delta.season);
    const result = capItemKinds({ delta, held: { kinds: kinds.get(k) ?? 0, has: (item) => held.has(`${k}\u0000${item}`) }, maxKinds });
    refused += result.refused;
    return result.delta;
  });
  return { deltas: capped, refused };
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
