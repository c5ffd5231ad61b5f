import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { LeaderboardWindow } from '../../core/config/types.js';
import type { Logger } from '../../core/logging/logger.js';
import type { FinalStandings, LeaderboardArchive, PeriodRef, Standing, StoredSnapshot } from '../../core/leaderboard/ports.js';
import { fromDatetime, mysqlCall, toDatetime } from './mysql-errors.js';

/** Rows per multi-row INSERT: big enough to be one round trip for LB_TOPN, small enough for max_allowed_packet. */
const CHUNK = 1000;
const ER_DUP_ENTRY = 1062;
const WHERE_PERIOD = 'board = ? AND time_window = ? AND period = ?';

/**
 * Snapshots and the hall of fame in MySQL (migrations/mysql/0003_leaderboards.sql). Each write is
 * one transaction: a snapshot replaces its period's rows; a closure inserts the period's row in
 * lb_closed_periods first, whose primary key lets exactly one of several racing replicas through.
 */
export function createMysqlLeaderboardArchive(options: { readonly pool: Pool; readonly logger: Logger }): LeaderboardArchive {
  const { pool, logger } = options;
  const params = (ref: PeriodRef): string[] => [ref.board, ref.window, ref.period];
  const rows = (ref: PeriodRef, entries: readonly Standing[]): (string | number)[][] => entries.map((e) => [ref.board, ref.window, ref.period, e.rank, e.playerId, e.score]);

  /**
   * One transaction at READ COMMITTED: deleting a period's rows then inserting them takes no gap
   * locks there, so writers of neighbouring periods never deadlock; writers of one period still
   * queue on its parent row (lb_snapshots / lb_closed_periods primary key).
   */
  async function transaction<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    try {
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (error: unknown) {
      await conn.rollback().catch((rollbackError: unknown) => {
        // The connection is likely gone, which discards the transaction too; the first error is the one to report.
        logger.warn('rollback failed', { err: rollbackError });
      });
      throw error;
    } finally {
      conn.release();
    }
  }

  async function insertEntries(conn: PoolConnection, table: 'lb_snapshot_entries' | 'lb_hall_of_fame', ref: PeriodRef, entries: readonly Standing[]): Promise<void> {
    for (let i = 0; i < entries.length; i += CHUNK) {
      await conn.query(`INSERT INTO ${table} (board, time_window, period, rank_no, player_id, score) VALUES ?`, [rows(ref, entries.slice(i, i + CHUNK))]);
    }
  }

  return {
    saveSnapshot: (snapshot) =>
      mysqlCall(() =>
        transaction(async (conn) => {
          // The parent row first: concurrent writers of one period queue on its lock instead of deadlocking on the entries.
          await conn.query(
            'INSERT INTO lb_snapshots (board, time_window, period, taken_at, players) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE taken_at = VALUES(taken_at), players = VALUES(players)',
            [...params(snapshot), toDatetime(snapshot.takenAtMs), snapshot.players],
          );
          await conn.query(`DELETE FROM lb_snapshot_entries WHERE ${WHERE_PERIOD}`, params(snapshot));
          await insertEntries(conn, 'lb_snapshot_entries', snapshot, snapshot.entries);
        }),
      ),

    snapshotOf: (ref) =>
      mysqlCall(async () => {
        const [heads] = await pool.query<RowDataPacket[]>(`SELECT taken_at, players FROM lb_snapshots WHERE ${WHERE_PERIOD}`, params(ref));
        const head = heads[0];
        if (head === undefined) return undefined;
        const [entries] = await pool.query<RowDataPacket[]>(`SELECT rank_no, player_id, score FROM lb_snapshot_entries WHERE ${WHERE_PERIOD} ORDER BY rank_no`, params(ref));
        const snapshot: StoredSnapshot = { takenAtMs: fromDatetime(head.taken_at), players: Number(head.players), entries: entries.map(toStanding) };
        return snapshot;
      }),

    lastSnapshotAt: () =>
      mysqlCall(async () => {
        const [result] = await pool.query<RowDataPacket[]>('SELECT MAX(taken_at) AS last FROM lb_snapshots');
        const last: unknown = result[0]?.last;
        return last === null || last === undefined ? undefined : fromDatetime(last);
      }),

    closedAmong: ({ board, window, periods }) =>
      mysqlCall(async () => {
        if (periods.length === 0) return new Set<string>();
        const [result] = await pool.query<RowDataPacket[]>('SELECT period FROM lb_closed_periods WHERE board = ? AND time_window = ? AND period IN (?)', [board, window, [...periods]]);
        return new Set(result.map((row) => String(row.period)));
      }),

    closePeriod: (closure) =>
      mysqlCall(async () => {
        try {
          return await transaction(async (conn) => {
            await conn.query('INSERT INTO lb_closed_periods (board, time_window, period, closed_at, players, archived, prizes) VALUES (?, ?, ?, ?, ?, ?, ?)', [
              ...params(closure),
              toDatetime(closure.closedAtMs),
              closure.players,
              closure.entries.length,
              closure.prizesPending ? 'pending' : 'none',
            ]);
            await insertEntries(conn, 'lb_hall_of_fame', closure, closure.entries);
            await conn.query(`DELETE FROM lb_snapshot_entries WHERE ${WHERE_PERIOD}`, params(closure));
            await conn.query(`DELETE FROM lb_snapshots WHERE ${WHERE_PERIOD}`, params(closure));
            return 'closed' as const;
          });
        } catch (error: unknown) {
          if (errno(error) === ER_DUP_ENTRY) return 'already' as const;
          throw error;
        }
      }),

    finalStandings: (query) =>
      mysqlCall(async () => {
        const [closures] = await pool.query<RowDataPacket[]>(`SELECT closed_at, players, archived, prizes FROM lb_closed_periods WHERE ${WHERE_PERIOD}`, params(query));
        const closure = closures[0];
        if (closure === undefined) return undefined;
        const [entries] = await pool.query<RowDataPacket[]>(`SELECT rank_no, player_id, score FROM lb_hall_of_fame WHERE ${WHERE_PERIOD} ORDER BY rank_no LIMIT ? OFFSET ?`, [
          ...params(query),
          query.limit,
          query.offset,
        ]);
        const result: FinalStandings = {
          closedAtMs: fromDatetime(closure.closed_at),
          players: Number(closure.players),
          archived: Number(closure.archived),
          entries: entries.map(toStanding),
          prizes: prizeState(closure.prizes),
        };
        return result;
      }),

    pendingPrizes: ({ limit }) =>
      mysqlCall(async () => {
        const [result] = await pool.query<RowDataPacket[]>("SELECT board, time_window, period, closed_at FROM lb_closed_periods WHERE prizes = 'pending' ORDER BY closed_at LIMIT ?", [limit]);
        return result.map((row) => ({ board: String(row.board), window: windowOf(row.time_window), period: String(row.period), closedAtMs: fromDatetime(row.closed_at) }));
      }),

    markPrizesGranted: (ref) =>
      mysqlCall(async () => {
        await pool.query(`UPDATE lb_closed_periods SET prizes = 'granted', prizes_granted_at = ? WHERE ${WHERE_PERIOD} AND prizes = 'pending'`, [toDatetime(ref.atMs), ...params(ref)]);
      }),
  };
}

function toStanding(row: RowDataPacket): Standing {
  return { rank: Number(row.rank_no), playerId: String(row.player_id), score: Number(row.score) };
}

const WINDOWS: readonly LeaderboardWindow[] = ['daily', 'weekly', 'seasonal', 'alltime'];

function windowOf(value: unknown): LeaderboardWindow {
  const window = WINDOWS.find((w) => w === value);
  if (window === undefined) throw new Error(`lb_closed_periods holds an unknown time_window '${String(value)}'`);
  return window;
}

function errno(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'errno' in error && typeof error.errno === 'number') return error.errno;
  return undefined;
}

/** The ENUM column as its type; anything else is a schema this code does not know. */
function prizeState(value: unknown): FinalStandings['prizes'] {
  if (value === 'none' || value === 'pending' || value === 'granted') return value;
  throw new Error(`lb_closed_periods.prizes: unexpected value ${String(value)}`);
}
