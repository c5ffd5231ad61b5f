/**
 * The grant interface other capabilities call to give a player a reward as a signed receipt
 * (leaderboard prizes, for one). Idempotent by `grantId`: calling again with the same id returns
 * the receipt issued the first time, so a retried snapshot never pays a prize twice.
 */
export interface GrantRequest {
  /** Stable id of this grant, e.g. `lb:points:weekly:2026-W48:rank1`; the dedup key. */
  readonly grantId: string;
  readonly playerId: string;
  /** Catalogue id of what is granted, e.g. `prize_weekly_top1`. */
  readonly rewardId: string;
  readonly item: string;
  readonly qty: number;
  readonly season: number;
}

export interface GrantResult {
  readonly receiptId: string;
  /** The receipt as a compact JWS (DESIGN §2). */
  readonly receipt: string;
  /** False when this grantId had been granted before (the same receipt is returned). */
  readonly created: boolean;
}

export interface RewardGrants {
  grant(request: GrantRequest): Promise<GrantResult>;
}
