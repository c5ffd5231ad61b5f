import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../config/key-ring.js';
import type { ProgressionSettings, RewardDefinition } from '../config/types.js';
import { ClientError, problems } from '../errors/errors.js';
import type { AcceptedEvent } from '../ingestion/envelope.js';
import type { SanctionStore } from '../ingestion/ports.js';
import type { Logger } from '../logging/logger.js';
import { signReceipt, verifyReceipt, type InvalidReason, type Verification } from '../receipts/receipts.js';
import { toDeltas, type ProgressDelta } from './deltas.js';
import type { GrantRequest, GrantResult, RewardGrants } from './grants.js';
import { levelFor, type LevelInfo } from './levels.js';
import type { PlayerProgress, ProgressCache, ProgressRepository, ReceiptRecord, ReceiptRepository } from './ports.js';
import { pruneLedger, type PruneReport } from './ledger-retention.js';

export interface ProgressionOptions {
  readonly progress: ProgressRepository;
  readonly receipts: ReceiptRepository;
  /** Player blocks (the gateway's sanction store): a blocked player may neither claim nor redeem. */
  readonly sanctions: Pick<SanctionStore, 'activeSanction'>;
  /** Undefined without Redis: reads go to the repository. */
  readonly cache: ProgressCache | undefined;
  readonly settings: ProgressionSettings;
  readonly receiptKeys: KeyRing;
  readonly activeKid: string;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface ProgressView extends LevelInfo {
  readonly playerId: string;
  readonly season: number;
  readonly xp: number;
  readonly bossKills: number;
  readonly updatedAt: string;
}

export interface ApplyOutcome {
  readonly applied: number;
  readonly duplicates: number;
  readonly levelUps: number;
  /** Drops not stored: their player-season holds MAX_ITEM_KINDS other items already. */
  readonly itemsRefused: number;
}

/**
 * Progression and rewards (issue #5): applies verified events exactly once, serves progress
 * through the cache, checks entitlements and issues, verifies and redeems signed receipts. Also
 * the grant interface other capabilities call (leaderboard prizes).
 */
export class Progression implements RewardGrants {
  readonly #o: ProgressionOptions;

  constructor(options: ProgressionOptions) {
    this.#o = options;
  }

  /**
   * Applies a batch (one transaction), then invalidates the cache of every player it touched,
   * new events or not: a redelivery after a failed invalidation repairs the cache. Level-ups are
   * counted from the committed totals minus what this batch added, so only players who gained XP
   * cost a read, and a redelivered batch costs none.
   */
  async apply(events: readonly AcceptedEvent[]): Promise<ApplyOutcome> {
    const { progress, settings } = this.#o;
    // The deltas of the attempt that committed (the repository may rerun its transaction).
    let committed: ProgressDelta[] = [];
    const result = await progress.applyBatch({ events, toDeltas: (fresh) => (committed = toDeltas(fresh, settings)), nowMs: this.#o.now(), maxItemKinds: settings.maxItemKinds });
    await this.#o.cache?.invalidate(result.players);
    const gained = committed.filter((d) => d.xp > 0);
    const after = await Promise.all(gained.map((d) => progress.getProgress(d)));
    let levelUps = 0;
    gained.forEach((d, i) => {
      const xp = after[i]?.xp ?? d.xp;
      levelUps += levelFor(xp, settings).level - levelFor(xp - d.xp, settings).level;
    });
    return { applied: result.applied, duplicates: result.duplicates, levelUps, itemsRefused: result.itemsRefused };
  }

  /** Deletes ledger rows past LEDGER_RETENTION_DAYS (the `ledgerPrune` timer), up to `maxBatches` batches. */
  pruneLedger(options: { readonly maxBatches: number }): Promise<PruneReport> {
    return pruneLedger({ repository: this.#o.progress, nowMs: this.#o.now(), retentionDays: this.#o.settings.ledgerRetentionDays, maxBatches: options.maxBatches });
  }

  async progress(key: { readonly playerId: string; readonly season: number }): Promise<ProgressView | undefined> {
    const row = await this.#read(key);
    return row === undefined ? undefined : toView(row, this.#o.settings);
  }

  async rewards(key: { readonly playerId: string; readonly season: number }): Promise<{ claimable: { rewardId: string; item: string; qty: number }[]; claimed: { rewardId: string; receiptId: string; claimedAt: string }[] }> {
    const [row, receipts] = await Promise.all([this.#read(key), this.#o.receipts.listByPlayer(key.playerId)]);
    const claims = receipts.filter((r) => r.grantId === '' && r.season === key.season);
    const claimedIds = new Set(claims.map((r) => r.rewardId));
    const claimable = this.#o.settings.rewards
      .filter((reward) => !claimedIds.has(reward.id) && row !== undefined && isEntitled(reward, row, this.#o.settings))
      .map((reward) => ({ rewardId: reward.id, item: reward.item, qty: reward.qty }));
    return { claimable, claimed: claims.map((r) => ({ rewardId: r.rewardId, receiptId: r.receiptId, claimedAt: new Date(r.issuedAtMs).toISOString() })) };
  }

  /** A player's claim: 403 when blocked or not entitled; the same receipt again for a repeated claim. */
  async claim(options: { readonly playerId: string; readonly rewardId: string; readonly season: number }): Promise<{ receipt: string; receiptId: string; created: boolean }> {
    await this.#refuseBlocked(options.playerId);
    const reward = this.#o.settings.rewards.find((r) => r.id === options.rewardId);
    if (reward === undefined) throw problems.notFound(`No reward ${options.rewardId}`);
    const row = await this.#read(options);
    if (row === undefined || !isEntitled(reward, row, this.#o.settings)) throw notEntitled(reward);
    const { record, created } = await this.#issue({ playerId: options.playerId, rewardId: reward.id, item: reward.item, qty: reward.qty, season: options.season, grantId: '' });
    return { receipt: record.jws, receiptId: record.receiptId, created };
  }

  /** RewardGrants: idempotent by grantId. */
  async grant(request: GrantRequest): Promise<GrantResult> {
    const { record, created } = await this.#issue({ ...request });
    return { receipt: record.jws, receiptId: record.receiptId, created };
  }

  /**
   * Signature, key, expiry, then the record: a well-signed receipt this service never issued (a
   * leaked key, another environment's ring, or a forged body under a real jti) is `not_issued`,
   * since the stored JWS is the only one we handed out; then revocation.
   */
  async verify(jws: string): Promise<Verification> {
    const verdict = await verifyReceipt({ keys: this.#o.receiptKeys, jws, nowMs: this.#o.now() });
    if (!verdict.valid) return verdict;
    const record = await this.#o.receipts.findById(verdict.claims.jti);
    if (record === undefined || record.jws !== jws) return { valid: false, reason: 'not_issued' };
    if (record.revokedAtMs !== undefined) return { valid: false, reason: 'revoked' };
    return verdict;
  }

  async redeem(jws: string): Promise<{ receiptId: string }> {
    const verdict = await this.verify(jws);
    // Redeem has always answered 404 for a receipt with no record here; keep that answer.
    if (!verdict.valid && verdict.reason === 'not_issued') throw notIssuedHere();
    if (!verdict.valid) throw receiptInvalid(verdict.reason);
    // The receipt's own player, whoever presents it: a game server redeeming for a blocked player.
    await this.#refuseBlocked(verdict.claims.sub);
    // verify() read the record before; the repository re-checks revocation and expiry atomically.
    const outcome = await this.#o.receipts.redeem({ receiptId: verdict.claims.jti, nowMs: this.#o.now() });
    if (outcome === 'missing') throw notIssuedHere();
    if (outcome === 'already') throw new ClientError({ type: 'receipt-already-redeemed', title: 'Conflict', status: 409, detail: 'This receipt was already redeemed' });
    if (outcome !== 'redeemed') throw receiptInvalid(outcome);
    return { receiptId: verdict.claims.jti };
  }

  /** Every receipt issued to a player (claims and grants, all seasons), newest first: for operators. */
  async receiptsOf(playerId: string): Promise<readonly ReceiptRecord[]> {
    const records = await this.#o.receipts.listByPlayer(playerId);
    return [...records].sort((a, b) => b.issuedAtMs - a.issuedAtMs);
  }

  /** An operator's revocation: the receipt then verifies as `revoked` and cannot be redeemed. */
  async revoke(receiptId: string): Promise<boolean> {
    const record = await this.#o.receipts.findById(receiptId);
    if (record === undefined) return false;
    await this.#o.receipts.revoke({ receiptId, nowMs: this.#o.now() });
    return true;
  }

  /**
   * Claims and redeems are refused while a block lasts, like events at the gateway; grants
   * (leaderboard prizes) are not, and verify stays open: a third party checking a receipt is
   * not the player.
   */
  async #refuseBlocked(playerId: string): Promise<void> {
    const sanction = await this.#o.sanctions.activeSanction({ playerId, nowMs: this.#o.now() });
    if (sanction !== undefined) throw problems.playerBlocked(sanction.blockedUntilMs);
  }

  async #issue(options: { playerId: string; rewardId: string; item: string; qty: number; season: number; grantId: string }): Promise<{ record: ReceiptRecord; created: boolean }> {
    const nowMs = this.#o.now();
    const receiptId = randomUUID();
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.#o.settings.receiptTtlS;
    const jws = await signReceipt({
      keys: this.#o.receiptKeys,
      kid: this.#o.activeKid,
      claims: { jti: receiptId, sub: options.playerId, rwd: options.rewardId, item: options.item, qty: options.qty, season: options.season, iat, exp },
    });
    return this.#o.receipts.insertOrGet({ receiptId, ...options, kid: this.#o.activeKid, jws, issuedAtMs: nowMs, expiresAtMs: exp * 1000 });
  }

  /** Read-through: a cache outage only costs a trip to the repository. */
  async #read(key: { readonly playerId: string; readonly season: number }): Promise<PlayerProgress | undefined> {
    const { cache } = this.#o;
    if (cache !== undefined) {
      try {
        const hit = await cache.get(key);
        if (hit !== undefined) return hit;
      } catch (error: unknown) {
        this.#o.logger.warn('progress cache unavailable; reading MySQL', { err: error });
      }
    }
    const row = await this.#o.progress.getProgress(key);
    if (row !== undefined && cache !== undefined) {
      await cache.set(row).catch((error: unknown) => {
        this.#o.logger.warn('progress cache write failed', { err: error });
      });
    }
    return row;
  }
}

export function isEntitled(reward: RewardDefinition, progress: PlayerProgress, settings: ProgressionSettings): boolean {
  return 'level' in reward.requires ? levelFor(progress.xp, settings).level >= reward.requires.level : progress.maxBossTier >= reward.requires.bossTier;
}

function notIssuedHere(): ClientError {
  return problems.notFound('No such receipt was issued here');
}

function receiptInvalid(reason: InvalidReason): ClientError {
  return new ClientError({ type: 'receipt-invalid', title: 'Bad Request', status: 400, detail: `The receipt is not valid: ${reason}`, extensions: { reason } });
}

function notEntitled(reward: RewardDefinition): ClientError {
  const need = 'level' in reward.requires ? `level ${reward.requires.level}` : `a tier-${reward.requires.bossTier} boss kill`;
  return new ClientError({ type: 'not-entitled', title: 'Forbidden', status: 403, detail: `Reward ${reward.id} needs ${need}` });
}

function toView(row: PlayerProgress, settings: ProgressionSettings): ProgressView {
  return { playerId: row.playerId, season: row.season, xp: row.xp, ...levelFor(row.xp, settings), bossKills: row.bossKills, updatedAt: new Date(row.updatedAtMs).toISOString() };
}
