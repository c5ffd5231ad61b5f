import type { AcceptedEvent } from '../ingestion/envelope.js';
import type { ProgressDelta } from './deltas.js';

export interface PlayerProgress {
  readonly playerId: string;
  readonly season: number;
  readonly xp: number;
  readonly bossKills: number;
  readonly maxBossTier: number;
  readonly updatedAtMs: number;
}

export interface ApplyResult {
  /** Events the ledger had not seen: their effects were applied. */
  readonly applied: number;
  /** Events already in the ledger: nothing changed for them. */
  readonly duplicates: number;
  /** The players whose rows the batch touched (new or not), for cache invalidation. */
  readonly players: readonly { readonly playerId: string; readonly season: number }[];
  /** Drops not stored because their player-season already holds `maxItemKinds` other items. */
  readonly itemsRefused: number;
}

/**
 * Players' progress in MySQL (or memory). `applyBatch` is one transaction: the processed-event
 * ledger decides which events are new, and only those change totals, so a redelivered batch
 * changes nothing.
 */
export interface ProgressRepository {
  applyBatch(options: {
    readonly events: readonly AcceptedEvent[];
    readonly toDeltas: (events: readonly AcceptedEvent[]) => ProgressDelta[];
    readonly nowMs: number;
    /** Distinct items one player-season may hold (MAX_ITEM_KINDS, {@link capItemKinds}). */
    readonly maxItemKinds: number;
  }): Promise<ApplyResult>;
  getProgress(options: { readonly playerId: string; readonly season: number }): Promise<PlayerProgress | undefined>;
  /** The player's inventory for a season: item → quantity. */
  getInventory(options: { readonly playerId: string; readonly season: number }): Promise<ReadonlyMap<string, number>>;
  /**
   * Deletes up to `limit` ledger rows processed before `processedBeforeMs`, oldest first; returns
   * how many it deleted (fewer than `limit`: nothing older is left). One short statement per
   * call, so a prune never holds locks long enough to stall the consumers.
   */
  pruneLedger(options: { readonly processedBeforeMs: number; readonly limit: number }): Promise<number>;
}

export interface ReceiptRecord {
  readonly receiptId: string;
  readonly playerId: string;
  readonly rewardId: string;
  readonly season: number;
  /** '' for a player's claim (one per player and reward); the grant id for grants. */
  readonly grantId: string;
  readonly item: string;
  readonly qty: number;
  readonly kid: string;
  readonly jws: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
  readonly redeemedAtMs?: number;
  readonly revokedAtMs?: number;
}

/**
 * The season part of a receipt's uniqueness: its season for a player's claim, 0 for a grant (a
 * grant id already names its period, and a retried payout must find the first receipt even if
 * SEASON_ID changed in between). MySQL keeps the same rule as a generated column (migration 0004).
 */
export function claimSeason(record: Pick<ReceiptRecord, 'grantId' | 'season'>): number {
  return record.grantId === '' ? record.season : 0;
}

export type RedeemOutcome = 'redeemed' | 'already' | 'missing' | 'revoked' | 'expired';

export interface ReceiptRepository {
  /**
   * Stores the receipt unless one exists for the same (player, reward, grantId, {@link claimSeason});
   * returns the one that is stored, so two concurrent claims end with one receipt. A claim is one
   * per player, reward and season; a grant one per grant id, whatever season it names.
   */
  insertOrGet(record: ReceiptRecord): Promise<{ readonly record: ReceiptRecord; readonly created: boolean }>;
  findById(receiptId: string): Promise<ReceiptRecord | undefined>;
  listByPlayer(playerId: string): Promise<ReceiptRecord[]>;
  /**
   * Marks a receipt redeemed once: `redeemed` the first time, then `already`. Revocation and
   * expiry are checked in the same atomic step as the flip (not only by an earlier read), so a
   * revoke that lands between the caller's verify and this call still wins: `revoked` (which
   * wins over `already`) or `expired` (`expiresAtMs <= nowMs`), and nothing changes.
   */
  redeem(options: { readonly receiptId: string; readonly nowMs: number }): Promise<RedeemOutcome>;
  revoke(options: { readonly receiptId: string; readonly nowMs: number }): Promise<void>;
}

/** The read-through cache of progress (Redis, or none). Failures surface as DependencyUnavailableError. */
export interface ProgressCache {
  get(key: { readonly playerId: string; readonly season: number }): Promise<PlayerProgress | undefined>;
  set(progress: PlayerProgress): Promise<void>;
  invalidate(keys: readonly { readonly playerId: string; readonly season: number }[]): Promise<void>;
}
