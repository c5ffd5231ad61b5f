import type { LeaderboardWindow } from '../config/types.js';
import type { Operator, Order } from './encoding.js';

/** One board × window × period: one sorted set in Redis (DESIGN §4). */
export interface BoardKey {
  readonly board: string;
  readonly window: LeaderboardWindow;
  readonly period: string;
}

/** When a board key goes away: at an instant, a while after its last write, or never. */
export type Expiry = { readonly atMs: number } | { readonly afterMs: number } | undefined;

/** One event's effect on one board key. Everything the store needs travels with it. */
export interface ScoreUpdate {
  readonly key: BoardKey;
  /** The dedup key: recorded in the same slot as the board, so a redelivery changes nothing. */
  readonly eventId: string;
  readonly playerId: string;
  readonly operator: Operator;
  readonly order: Order;
  /** A non-negative integer (the event's field value). */
  readonly value: number;
  /** Time units for the tie-break (see encoding.ts), already clamped. */
  readonly tie: number;
  /** Bits of the time part of the encoding for this window. */
  readonly tieBits: number;
  /** Scores above this are clamped to it. */
  readonly maxScore: number;
  readonly expiry: Expiry;
}

/**
 * - `applied`: the board changed (or the update was absorbed, e.g. a `best` that was not better);
 * - `clamped`: applied, but the score hit the window's maximum;
 * - `duplicate`: this eventId was already applied to this board key (a redelivery);
 * - `closed`: the period was closed (its final standings archived); nothing changed.
 */
export type ApplyOutcome = 'applied' | 'clamped' | 'duplicate' | 'closed';

/** A player's entry as stored: the encoded score (see encoding.ts). */
export interface RawEntry {
  readonly playerId: string;
  readonly encoded: number;
}

export interface RangeResult {
  /** Players on the board. */
  readonly total: number;
  readonly entries: readonly RawEntry[];
}

export interface AroundResult {
  /** 0-based rank of the player. */
  readonly rank: number;
  readonly total: number;
  /** 0-based rank of `entries[0]`. */
  readonly offset: number;
  /** The slice of the board from `offset`, the player included. */
  readonly entries: readonly RawEntry[];
}

/**
 * The live boards: Redis sorted sets in production, memory in the embedded default. Ordering:
 * desc boards rank by encoded score descending, asc boards ascending; equal encoded scores (the
 * same score reached in the same time unit) rank by player id, descending for desc boards and
 * ascending for asc boards, which is Redis' own order for ZREVRANGE and ZRANGE.
 */
export interface LeaderboardStore {
  /**
   * Applies the updates in order, atomically per board key; returns one outcome per update.
   * An eventId is remembered per board key for {@link DEDUP_HORIZON_MS} after it was applied.
   */
  apply(options: { readonly updates: readonly ScoreUpdate[]; readonly nowMs: number }): Promise<ApplyOutcome[]>;
  range(options: { readonly key: BoardKey; readonly order: Order; readonly offset: number; readonly limit: number; readonly nowMs: number }): Promise<RangeResult>;
  /** The player's rank and the slice `around` ranks either side; undefined when unranked. */
  around(options: { readonly key: BoardKey; readonly order: Order; readonly playerId: string; readonly around: number; readonly nowMs: number }): Promise<AroundResult | undefined>;
  /** Closes the period: later updates come back `closed`. Idempotent. */
  close(options: { readonly key: BoardKey; readonly expiry: Expiry; readonly nowMs: number }): Promise<void>;
}

/** How long a board key remembers an applied eventId (redeliveries come within minutes). */
export const DEDUP_HORIZON_MS = 24 * 3_600_000;

/** One ranked player in a snapshot or the hall of fame. */
export interface Standing {
  /** 1-based. */
  readonly rank: number;
  readonly playerId: string;
  readonly score: number;
}

export interface PeriodRef {
  readonly board: string;
  readonly window: LeaderboardWindow;
  readonly period: string;
}

export interface FinalStandings {
  readonly closedAtMs: number;
  /** Players on the board when it closed. */
  readonly players: number;
  /** Standings archived (the top LB_TOPN, or deeper when prizes go deeper). */
  readonly archived: number;
  readonly entries: readonly Standing[];
  /** The period's prizes: none configured when it closed, owed, or all granted. */
  readonly prizes: 'none' | 'pending' | 'granted';
}

export interface StoredSnapshot {
  readonly takenAtMs: number;
  readonly players: number;
  readonly entries: readonly Standing[];
}

/** A closed period whose prizes are configured but not all granted yet. */
export interface PendingPrizes extends PeriodRef {
  readonly closedAtMs: number;
}

/**
 * Snapshots and the hall of fame: MySQL in production, memory in the embedded default.
 */
export interface LeaderboardArchive {
  /** Replaces the stored standings of a (current) period: running twice leaves one copy. */
  saveSnapshot(options: PeriodRef & { readonly takenAtMs: number; readonly players: number; readonly entries: readonly Standing[] }): Promise<void>;
  /** The stored snapshot of a period, if any (operators and tests; no route serves it). */
  snapshotOf(ref: PeriodRef): Promise<StoredSnapshot | undefined>;
  /** The instant of the newest snapshot of any period, if any. */
  lastSnapshotAt(): Promise<number | undefined>;
  /** Which of `periods` of this board and window are closed (archived). */
  closedAmong(options: { readonly board: string; readonly window: LeaderboardWindow; readonly periods: readonly string[] }): Promise<ReadonlySet<string>>;
  /**
   * Archives a period's final standings, exactly once: `closed` for the caller that did it,
   * `already` for everyone after (a unique key, so concurrent callers cannot both win). The
   * period's snapshot rows go: the final standings supersede them.
   */
  closePeriod(options: PeriodRef & { readonly closedAtMs: number; readonly players: number; readonly entries: readonly Standing[]; readonly prizesPending: boolean }): Promise<'closed' | 'already'>;
  finalStandings(options: PeriodRef & { readonly offset: number; readonly limit: number }): Promise<FinalStandings | undefined>;
  /** Closed periods whose prizes have not all been granted, oldest first. */
  pendingPrizes(options: { readonly limit: number }): Promise<readonly PendingPrizes[]>;
  markPrizesGranted(options: PeriodRef & { readonly atMs: number }): Promise<void>;
}

/**
 * A lock across every replica (MySQL GET_LOCK in production): several replicas' timers fire at
 * the same instant, and one of them should do the work while the others step aside.
 */
export interface ExclusiveLock {
  /** Runs `work` holding the lock; `{ acquired: false }` when it could not be had within `waitMs`. */
  withLock<T>(options: { readonly name: string; readonly waitMs: number }, work: () => Promise<T>): Promise<{ readonly acquired: true; readonly value: T } | { readonly acquired: false }>;
}
