import type { Verdict } from './verdict.js';

/** A verdict as recorded for one eventId; a redelivery gets exactly this back. */
export interface RecordedVerdict {
  readonly verdict: Verdict;
  /** Set when this event's flag triggered a block. */
  readonly sanction?: { readonly untilMs: number; readonly seconds: number };
  /**
   * `eventDigest` of the judged event, so a later message with this eventId and another body is
   * recognised as a reused id rather than a redelivery. Absent on verdicts recorded before it.
   */
  readonly bodyHash?: string;
}

/** Everything judging one player's batch needs, read in one round trip. */
export interface PlayerState {
  /** Verdicts already recorded for eventIds of the batch (redeliveries). */
  readonly recorded: ReadonlyMap<string, RecordedVerdict>;
  /** Recent values per event type, oldest first. */
  readonly histories: Readonly<Record<string, readonly number[]>>;
  /** Enqueue times (ms) of the player's recent events, ascending. */
  readonly recentEventTimes: readonly number[];
  /** Times (ms) of the player's recent flags, ascending. */
  readonly flagTimes: readonly number[];
  /** Sanctions this player received before (for the doubling). */
  readonly priorSanctions: number;
  /** A rolling sample of values per event type across all players. */
  readonly population: Readonly<Record<string, readonly number[]>>;
}

export interface Decision {
  readonly eventId: string;
  /** The history key (`historyKey`): the event type, or `boss_kill:t<tier>`. */
  readonly type: string;
  /** The judged value, when the type has one. */
  readonly value: number | undefined;
  readonly enqueuedAtMs: number;
  readonly recorded: RecordedVerdict;
}

/**
 * Fairness state per player (Redis in production, memory in the embedded default). Sessions give
 * one batch per player at a time, so `load` → judge → `commit` needs no lock; `commit` is still
 * atomic and skips every eventId that already has a verdict, so a redelivered batch never counts
 * twice in the history or the windows and keeps its first verdict.
 */
export interface FairnessStore {
  load(options: { readonly playerId: string; readonly eventIds: readonly string[]; readonly types: readonly string[]; readonly nowMs: number }): Promise<PlayerState>;
  /** Records the decisions in order; returns the verdict recorded for each eventId (first one wins). */
  commit(options: { readonly playerId: string; readonly decisions: readonly Decision[]; readonly nowMs: number }): Promise<ReadonlyMap<string, RecordedVerdict>>;
}

/** Retention of the store's records; shared by both implementations so the contract holds. */
export interface FairnessRetention {
  readonly historyLength: number;
  readonly populationLength: number;
  /** How long the flood window remembers events (≥ 1 s). */
  readonly eventWindowMs: number;
  /** FLAG_WINDOW_S in ms. */
  readonly flagWindowMs: number;
  /** How long a verdict is remembered for redeliveries (well beyond Service Bus' retry horizon). */
  readonly verdictTtlMs: number;
}
