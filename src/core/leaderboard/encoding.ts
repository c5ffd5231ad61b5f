import type { LeaderboardDefinition, LeaderboardWindow } from '../config/types.js';

/**
 * Ties: equal scores rank the player who reached the score first higher. Redis orders a sorted
 * set by one double, so the score and the time it was reached share it:
 *
 *     encoded = score · 2^bits + tiePart
 *     tiePart = 2^bits − 1 − t   (desc boards: earlier t → larger → ranks higher)
 *     tiePart = t                (asc boards: earlier t → smaller → ranks higher)
 *
 * `t` counts time units from the window's origin. A double holds integers exactly up to 2^53, so
 * `score` may use the remaining `53 − bits` bits: the window's time span and resolution trade
 * directly against the score range (docs/leaderboards.md has the table). Scores above the range
 * are clamped to its maximum (and counted); `t` outside its span is clamped to its ends.
 */
export interface TieEncoding {
  /** Bits of the time part. */
  readonly bits: number;
  /** One time unit, in ms. */
  readonly unitMs: number;
  /** Where `t` counts from: the period's start, or a fixed instant. */
  readonly origin: 'period-start' | number;
}

/** 2025-01-01T00:00:00Z, the origin of seasonal and all-time tie times. */
export const TIE_EPOCH_MS = Date.UTC(2025, 0, 1);

export const TIE_ENCODINGS: Readonly<Record<LeaderboardWindow, TieEncoding>> = {
  // 2^17 s = 36.4 h covers a 25-hour DST day at 1 s.
  daily: { bits: 17, unitMs: 1000, origin: 'period-start' },
  // 2^20 s = 12.1 days covers a 169-hour week at 1 s.
  weekly: { bits: 20, unitMs: 1000, origin: 'period-start' },
  // Seasons have no fixed length: hours since 2025-01-01, 2^19 h = 59.8 years (to 2084).
  seasonal: { bits: 19, unitMs: 3_600_000, origin: TIE_EPOCH_MS },
  alltime: { bits: 19, unitMs: 3_600_000, origin: TIE_EPOCH_MS },
};

/** The largest score a window can hold exactly: 2^(53 − bits) − 1. */
export function maxScore(window: LeaderboardWindow): number {
  return 2 ** (53 - TIE_ENCODINGS[window].bits) - 1;
}

/** The time part for an update reached at `atMs`, clamped to what the bits can hold. */
export function tieUnits(options: { readonly window: LeaderboardWindow; readonly atMs: number; readonly periodStartMs?: number }): number {
  const encoding = TIE_ENCODINGS[options.window];
  const origin = encoding.origin === 'period-start' ? (options.periodStartMs ?? 0) : encoding.origin;
  const units = Math.floor((options.atMs - origin) / encoding.unitMs);
  return Math.min(Math.max(units, 0), 2 ** encoding.bits - 1);
}

export type Order = LeaderboardDefinition['order'];
export type Operator = LeaderboardDefinition['operator'];

export interface ScoreAndTie {
  readonly score: number;
  readonly tie: number;
}

export function encodeScore(options: { readonly score: number; readonly tie: number; readonly bits: number; readonly order: Order }): number {
  const unit = 2 ** options.bits;
  return options.score * unit + (options.order === 'asc' ? options.tie : unit - 1 - options.tie);
}

export function decodeScore(options: { readonly encoded: number; readonly bits: number; readonly order: Order }): ScoreAndTie {
  const unit = 2 ** options.bits;
  const score = Math.floor(options.encoded / unit);
  const part = options.encoded - score * unit;
  return { score, tie: options.order === 'asc' ? part : unit - 1 - part };
}

export interface OperatorResult extends ScoreAndTie {
  /** The score went above `max` and was clamped to it. */
  readonly clamped: boolean;
}

/**
 * One update on one player's entry, the rule both stores follow (the Redis script implements the
 * same lines in Lua, and the contract suite holds them together):
 * - incr: add; the sum was reached when its latest increment was (max of the times);
 * - best: keep the better of old and new (higher for desc boards, lower for asc);
 * - set: take the new value.
 * The time changes only when the score does, so re-reaching the same score keeps the earlier time.
 */
export function applyOperator(options: {
  readonly existing: ScoreAndTie | undefined;
  readonly operator: Operator;
  readonly order: Order;
  readonly value: number;
  readonly tie: number;
  readonly max: number;
}): OperatorResult {
  const { existing, value, tie, max } = options;
  let score = value;
  let when = tie;
  if (existing !== undefined) {
    if (options.operator === 'incr') {
      score = existing.score + value;
      when = Math.max(existing.tie, tie);
    } else if (options.operator === 'best') {
      const better = options.order === 'asc' ? value < existing.score : value > existing.score;
      score = better ? value : existing.score;
    }
  }
  const clamped = score > max;
  if (clamped) score = max;
  if (existing !== undefined && score === existing.score) when = existing.tie;
  return { score, tie: when, clamped };
}
