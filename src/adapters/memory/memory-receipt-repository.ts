import { claimSeason, type ReceiptRecord, type ReceiptRepository, type RedeemOutcome } from '../../core/progression/ports.js';

export class MemoryReceiptRepository implements ReceiptRepository {
  readonly #byId = new Map<string, ReceiptRecord>();
  readonly #byUnique = new Map<string, string>();

  insertOrGet(record: ReceiptRecord): Promise<{ record: ReceiptRecord; created: boolean }> {
    const unique = `${record.playerId}\u0000${record.rewardId}\u0000${record.grantId}\u0000${claimSeason(record)}`;
    const existingId = this.#byUnique.get(unique);
    const existing = existingId === undefined ? undefined : this.#byId.get(existingId);
    if (existing !== undefined) return Promise.resolve({ record: existing, created: false });
    this.#byUnique.set(unique, record.receiptId);
    this.#byId.set(record.receiptId, record);
    return Promise.resolve({ record, created: true });
  }

  findById(receiptId: string): Promise<ReceiptRecord | undefined> {
    return Promise.resolve(this.#byId.get(receiptId));
  }

  listByPlayer(playerId: string): Promise<ReceiptRecord[]> {
    return Promise.resolve([...this.#byId.values()].filter((r) => r.playerId === playerId).sort((a, b) => a.issuedAtMs - b.issuedAtMs || a.receiptId.localeCompare(b.receiptId)));
  }

  /** Check and flip happen in one synchronous step, like the MySQL twin's single UPDATE. */
  redeem(options: { receiptId: string; nowMs: number }): Promise<RedeemOutcome> {
    const record = this.#byId.get(options.receiptId);
    if (record === undefined) return Promise.resolve('missing');
    if (record.revokedAtMs !== undefined) return Promise.resolve('revoked');
    if (record.redeemedAtMs !== undefined) return Promise.resolve('already');
    if (record.expiresAtMs <= options.nowMs) return Promise.resolve('expired');
    this.#byId.set(options.receiptId, { ...record, redeemedAtMs: options.nowMs });
    return Promise.resolve('redeemed');
  }

  revoke(options: { receiptId: string; nowMs: number }): Promise<void> {
    const record = this.#byId.get(options.receiptId);
    if (record !== undefined && record.revokedAtMs === undefined) this.#byId.set(options.receiptId, { ...record, revokedAtMs: options.nowMs });
    return Promise.resolve();
  }
}
