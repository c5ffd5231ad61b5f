import type { LeaderboardPrize } from '../config/settings-prizes.js';
import type { LeaderboardDefinition, LeaderboardWindow } from '../config/types.js';
import type { Logger } from '../logging/logger.js';
import type { RewardGrants } from '../progression/grants.js';
import type { Period, PeriodCalendar } from './periods.js';
import type { ExclusiveLock, LeaderboardArchive, LeaderboardStore, PeriodRef, Standing } from './ports.js';
import { archiveDepth, PrizeGiver } from './prizes.js';
import { toStandings } from './queries.js';
import { expiryOf } from './retention.js';

/** The name of the lock every replica's snapshot takes. */
export const SNAPSHOT_LOCK = 'liveops_lb_snapshot';

/**
 * A daily or weekly period takes late events for this long after it ends (a batch in flight at
 * midnight still counts for its day); the first snapshot after that closes it.
 */
export const CLOSE_GRACE_MS = 5 * 60_000;

/** How many past periods a snapshot checks for closing: as far back as their Redis keys live. */
export const CLOSE_LOOKBACK: Readonly<Record<LeaderboardWindow, number>> = { daily: 7, weekly: 4, seasonal: 3, alltime: 0 };

export interface SnapshotEntry extends PeriodRef {
  /** Players on the board. */
  readonly players: number;
  /** Standings written. */
  readonly written: number;
}

export interface ClosedEntry extends PeriodRef {
  readonly players: number;
  readonly archived: number;
}

export interface SnapshotResult {
  readonly snapshots: readonly SnapshotEntry[];
  readonly closedPeriods: readonly ClosedEntry[];
  readonly prizes: { readonly granted: number; readonly pending: number };
}

export interface SnapshotOptions {
  readonly store: LeaderboardStore;
  readonly archive: LeaderboardArchive;
  readonly lock: ExclusiveLock;
  readonly grants: () => RewardGrants | undefined;
  readonly boards: readonly LeaderboardDefinition[];
  readonly prizes: readonly LeaderboardPrize[];
  readonly calendar: PeriodCalendar;
  readonly seasonId: number;
  readonly topN: number;
  readonly logger: Logger;
}

/**
 * The snapshot (DESIGN §2, §6): under one lock across replicas,
 * 1. writes the top LB_TOPN of every board's current periods to the archive (replacing the last
 *    copy, so running twice leaves one);
 * 2. closes the periods that ended: marks the Redis key closed first (later events are refused,
 *    so the standings read next are final), then archives the final standings exactly once (a
 *    unique key in the archive, should the lock ever be lost);
 * 3. pays the prizes owed for closed periods through the grant interface.
 */
export class LeaderboardSnapshot {
  readonly #prizes: PrizeGiver;

  constructor(private readonly options: SnapshotOptions) {
    this.#prizes = new PrizeGiver({ ...options });
  }

  /** `{ acquired: false }` when another replica holds the lock for longer than `waitMs`. */
  run(options: { readonly nowMs: number; readonly waitMs: number }): Promise<{ readonly acquired: true; readonly value: SnapshotResult } | { readonly acquired: false }> {
    return this.options.lock.withLock({ name: SNAPSHOT_LOCK, waitMs: options.waitMs }, () => this.#run(options.nowMs));
  }

  async #run(nowMs: number): Promise<SnapshotResult> {
    const pairs = this.options.boards.flatMap((board) => board.windows.map((window) => ({ board, window })));
    // One board window after the other: a dozen small transactions take well under a second, and
    // the archive never sees more than one writer from this run.
    const snapshots: SnapshotEntry[] = [];
    for (const pair of pairs) snapshots.push(await this.#snapshot({ ...pair, nowMs }));
    const closedPeriods: ClosedEntry[] = [];
    for (const pair of pairs) if (pair.window !== 'alltime') closedPeriods.push(...(await this.#closeEnded({ ...pair, nowMs })));
    const prizes = await this.#prizes.payPending(nowMs);
    this.options.logger.info('leaderboard snapshot done', { snapshots: snapshots.length, closedPeriods: closedPeriods.length, prizesGranted: prizes.granted, prizesPending: prizes.pending });
    return { snapshots, closedPeriods, prizes };
  }

  async #snapshot(options: { board: LeaderboardDefinition; window: LeaderboardWindow; nowMs: number }): Promise<SnapshotEntry> {
    const { board, window, nowMs } = options;
    const period = this.options.calendar.current({ window, nowMs, seasonId: this.options.seasonId });
    const { players, entries } = await this.#standings({ board, window, period, nowMs });
    const ref = { board: board.id, window, period: period.id };
    await this.options.archive.saveSnapshot({ ...ref, takenAtMs: nowMs, players, entries });
    return { ...ref, players, written: entries.length };
  }

  async #closeEnded(options: { board: LeaderboardDefinition; window: LeaderboardWindow; nowMs: number }): Promise<ClosedEntry[]> {
    const { board, window, nowMs } = options;
    const { calendar, seasonId, archive } = this.options;
    const ended = calendar.closedPeriods({ window, nowMs, seasonId, graceMs: CLOSE_GRACE_MS, lookback: CLOSE_LOOKBACK[window] });
    if (ended.length === 0) return [];
    const done = await archive.closedAmong({ board: board.id, window, periods: ended.map((p) => p.id) });
    const closed: ClosedEntry[] = [];
    // Oldest first, so the hall of fame fills in order after an outage.
    for (const period of ended.filter((p) => !done.has(p.id)).reverse()) {
      const ref = { board: board.id, window, period: period.id };
      await this.options.store.close({ key: ref, expiry: expiryOf(period), nowMs });
      const { players, entries } = await this.#standings({ board, window, period, nowMs });
      const prizesPending = this.options.prizes.some((p) => p.board === board.id && p.window === window);
      const outcome = await archive.closePeriod({ ...ref, closedAtMs: nowMs, players, entries, prizesPending });
      if (outcome === 'closed') {
        closed.push({ ...ref, players, archived: entries.length });
        this.options.logger.info('leaderboard period closed', { ...ref, players, archived: entries.length });
      }
    }
    return closed;
  }

  async #standings(options: { board: LeaderboardDefinition; window: LeaderboardWindow; period: Period; nowMs: number }): Promise<{ players: number; entries: Standing[] }> {
    const { board, window, period, nowMs } = options;
    const depth = archiveDepth({ topN: this.options.topN, prizes: this.options.prizes, board: board.id, window });
    const range = await this.options.store.range({ key: { board: board.id, window, period: period.id }, order: board.order, offset: 0, limit: depth, nowMs });
    return { players: range.total, entries: toStandings({ window, order: board.order, entries: range.entries, offset: 0 }) };
  }
}
