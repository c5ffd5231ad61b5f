import type { ReceiptRecord, ReceiptRepository } from '../../core/progression/ports.js';

export class MemoryReceiptRepository implements ReceiptRepository {
  readonly #byId = new Map<string, ReceiptRecord>();
  readonly #byUnique = new Map<string, string>();

  insertOrGet(record: ReceiptRecord): Promise<{ record: ReceiptRecord; created: boolean }> {
    const unique = `${record.playerId}\u0000${record.rewardId}\u0000${record.grantId}`;
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

  redeem(options: { receiptId: string; nowMs: number }): Promise<'redeemed' | 'already' | 'missing'> {
    const record = this.#byId.get(options.receiptId);
    if (record === undefined) return Promise.resolve('missing');
    if (record.redeemedAtMs !== undefined) return Promise.resolve('already');
    this.#byId.set(options.receiptId, { ...record, redeemedAtMs: options.nowMs });
    return Promise.resolve('redeemed');
  }

  revoke(options: { receiptId: string; nowMs: number }): Promise<void> {
    const record = this.#byId.get(options.receiptId);
    if (record !== undefined && record.revokedAtMs === undefined) this.#byId.set(options.receiptId, { ...record, revokedAtMs: options.nowMs });
    return Promise.resolve();
  }
}
