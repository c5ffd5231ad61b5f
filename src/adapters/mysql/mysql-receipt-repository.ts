import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ReceiptRecord, ReceiptRepository } from '../../core/progression/ports.js';
import { fromDatetime, mysqlCall, toDatetime } from './mysql-errors.js';

const COLUMNS = 'receipt_id, player_id, reward_id, grant_id, season, item, qty, kid, jws, issued_at, expires_at, redeemed_at, revoked_at';
const ER_DUP_ENTRY = 'ER_DUP_ENTRY';

function toRecord(row: RowDataPacket): ReceiptRecord {
  return {
    receiptId: String(row.receipt_id),
    playerId: String(row.player_id),
    rewardId: String(row.reward_id),
    grantId: String(row.grant_id),
    season: Number(row.season),
    item: String(row.item),
    qty: Number(row.qty),
    kid: String(row.kid),
    jws: String(row.jws),
    issuedAtMs: fromDatetime(row.issued_at),
    expiresAtMs: fromDatetime(row.expires_at),
    ...(row.redeemed_at === null ? {} : { redeemedAtMs: fromDatetime(row.redeemed_at) }),
    ...(row.revoked_at === null ? {} : { revokedAtMs: fromDatetime(row.revoked_at) }),
  };
}

/** Receipts in MySQL; the unique key (player, reward, grant) makes concurrent claims meet in one row. */
export function createMysqlReceiptRepository(options: { readonly pool: Pool }): ReceiptRepository {
  const { pool } = options;
  const byUnique = async (r: ReceiptRecord): Promise<ReceiptRecord | undefined> => {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM receipts WHERE player_id = ? AND reward_id = ? AND grant_id = ?`, [r.playerId, r.rewardId, r.grantId]);
    const row = rows[0];
    return row === undefined ? undefined : toRecord(row);
  };
  return {
    insertOrGet: (record) =>
      mysqlCall(async () => {
        try {
          await pool.query(
            `INSERT INTO receipts (receipt_id, player_id, reward_id, grant_id, season, item, qty, kid, jws, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [record.receiptId, record.playerId, record.rewardId, record.grantId, record.season, record.item, record.qty, record.kid, record.jws, toDatetime(record.issuedAtMs), toDatetime(record.expiresAtMs)],
          );
          return { record, created: true };
        } catch (error: unknown) {
          if ((error as { code?: unknown }).code !== ER_DUP_ENTRY) throw error;
          const existing = await byUnique(record);
          if (existing === undefined) throw error;
          return { record: existing, created: false };
        }
      }),
    findById: (receiptId) =>
      mysqlCall(async () => {
        const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM receipts WHERE receipt_id = ?`, [receiptId]);
        const row = rows[0];
        return row === undefined ? undefined : toRecord(row);
      }),
    listByPlayer: (playerId) =>
      mysqlCall(async () => {
        const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM receipts WHERE player_id = ? ORDER BY issued_at, receipt_id`, [playerId]);
        return rows.map(toRecord);
      }),
    redeem: ({ receiptId, nowMs }) =>
      mysqlCall(async () => {
        const [result] = await pool.query<ResultSetHeader>('UPDATE receipts SET redeemed_at = ? WHERE receipt_id = ? AND redeemed_at IS NULL', [toDatetime(nowMs), receiptId]);
        if (result.affectedRows === 1) return 'redeemed';
        const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM receipts WHERE receipt_id = ?', [receiptId]);
        return rows.length === 0 ? 'missing' : 'already';
      }),
    revoke: ({ receiptId, nowMs }) =>
      mysqlCall(async () => {
        await pool.query('UPDATE receipts SET revoked_at = ? WHERE receipt_id = ? AND revoked_at IS NULL', [toDatetime(nowMs), receiptId]);
      }),
  };
}
