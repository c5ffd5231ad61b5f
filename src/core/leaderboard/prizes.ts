import type { LeaderboardPrize } from '../config/settings-prizes.js';
import type { Logger } from '../logging/logger.js';
import type { GrantRequest, RewardGrants } from '../progression/grants.js';
import type { PeriodCalendar } from './periods.js';
import type { LeaderboardArchive, PendingPrizes } from './ports.js';

/** The grant id of one prize for one rank of one closed period: the dedup key of the grant. */
export function prizeGrantId(options: { readonly board: string; readonly window: string; readonly period: string; readonly rank: number; readonly rewardId: string }): string {
  return `lb:${options.board}:${options.window}:${options.period}:${options.rank}:${options.rewardId}`;
}

/** How deep a board window's final standings must go: LB_TOPN, or deeper when a prize does. */
export function archiveDepth(options: { readonly topN: number; readonly prizes: readonly LeaderboardPrize[]; readonly board: string; readonly window: string }): number {
  return options.prizes.filter((p) => p.board === options.board && p.window === options.window).reduce((depth, p) => Math.max(depth, p.rankTo), options.topN);
}

export interface PrizeOutcome {
  readonly granted: number;
  /** Closed periods whose prizes are still owed (grants unavailable or failing); retried next run. */
  readonly pending: number;
}

/**
 * Pays the prizes of closed periods. Every grant carries a stable grant id, and the grant
 * interface is idempotent by it, so a period is simply retried whole until all its grants went
 * through; only then is it marked granted. A closed period never pays twice, whichever replica
 * or retry gets there.
 */
export class PrizeGiver {
  constructor(
    private readonly options: {
      readonly archive: LeaderboardArchive;
      readonly grants: () => RewardGrants | undefined;
      readonly prizes: readonly LeaderboardPrize[];
      readonly calendar: PeriodCalendar;
      readonly seasonId: number;
      readonly logger: Logger;
    },
  ) {}

  async payPending(nowMs: number): Promise<PrizeOutcome> {
    const pending = await this.options.archive.pendingPrizes({ limit: 100 });
    if (pending.length === 0) return { granted: 0, pending: 0 };
    const grants = this.options.grants();
    if (grants === undefined) {
      this.options.logger.warn('leaderboard prizes are owed but no grant interface is wired; they stay pending', { periods: pending.length });
      return { granted: 0, pending: pending.length };
    }
    let granted = 0;
    let owed = 0;
    for (const period of pending) {
      try {
        granted += await this.#pay(period, grants);
        await this.options.archive.markPrizesGranted({ ...period, atMs: nowMs });
      } catch (error: unknown) {
        owed += 1;
        this.options.logger.error('granting leaderboard prizes failed; retried on the next snapshot', { board: period.board, window: period.window, period: period.period, err: error });
      }
    }
    return { granted, pending: owed };
  }

  /** Grants every prize of one closed period; returns how many grants were new. */
  async #pay(period: PendingPrizes, grants: RewardGrants): Promise<number> {
    const parsed = this.options.calendar.parse(period.window, period.period);
    const season = parsed?.window === 'seasonal' ? parsed.season : this.options.seasonId;
    let created = 0;
    for (const prize of this.options.prizes.filter((p) => p.board === period.board && p.window === period.window)) {
      const final = await this.options.archive.finalStandings({ ...period, offset: prize.rank - 1, limit: prize.rankTo - prize.rank + 1 });
      for (const standing of final?.entries ?? []) {
        const request: GrantRequest = {
          grantId: prizeGrantId({ ...period, rank: standing.rank, rewardId: prize.rewardId }),
          playerId: standing.playerId,
          rewardId: prize.rewardId,
          item: prize.item,
          qty: prize.qty,
          season,
        };
        const result = await grants.grant(request);
        if (result.created) created += 1;
      }
    }
    return created;
  }
}
