import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { claimSeason, type ReceiptRecord, type ReceiptRepository, type RedeemOutcome } from '../../core/progression/ports.js';
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

/**
 * Why the UPDATE changed nothing. The conditions only ever become true (redeemed_at and revoked_at
 * are set, never cleared; expires_at is fixed), so this read sees at least what the UPDATE saw.
 */
function whyNotRedeemed(options: { readonly row: RowDataPacket | undefined; readonly receiptId: string; readonly nowMs: number }): Exclude<RedeemOutcome, 'redeemed'> {
  const { row, nowMs } = options;
  if (row === undefined) return 'missing';
  if (row.revoked_at !== null) return 'revoked';
  if (row.redeemed_at !== null) return 'already';
  if (fromDatetime(row.expires_at) <= nowMs) return 'expired';
  throw new Error(`receipt ${options.receiptId} was neither redeemed nor refused; was its row edited by hand?`);
}

/** Receipts in MySQL; the unique key (player, reward, grant, claim_season) makes concurrent claims meet in one row. */
export function createMysqlReceiptRepository(options: { readonly pool: Pool }): ReceiptRepository {
  const { pool } = options;
  const byUnique = async (r: ReceiptRecord): Promise<ReceiptRecord | undefined> => {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM receipts WHERE player_id = ? AND reward_id = ? AND grant_id = ? AND claim_season = ?`, [r.playerId, r.rewardId, r.grantId, claimSeason(r)]);
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
        // Revocation and expiry are conditions of the UPDATE itself: a revoke committed after the
        // caller verified the receipt still stops this flip (the row lock orders the two writes).
        const now = toDatetime(nowMs);
        const [result] = await pool.query<ResultSetHeader>(
          'UPDATE receipts SET redeemed_at = ? WHERE receipt_id = ? AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
          [now, receiptId, now],
        );
        if (result.affectedRows === 1) return 'redeemed';
        // Only explains the refusal; the decision above was atomic.
        const [rows] = await pool.query<RowDataPacket[]>('SELECT redeemed_at, revoked_at, expires_at FROM receipts WHERE receipt_id = ?', [receiptId]);
        return whyNotRedeemed({ row: rows[0], receiptId, nowMs });
      }),
    revoke: ({ receiptId, nowMs }) =>
      mysqlCall(async () => {
        await pool.query('UPDATE receipts SET revoked_at = ? WHERE receipt_id = ? AND revoked_at IS NULL', [toDatetime(nowMs), receiptId]);
      }),
  };
}
