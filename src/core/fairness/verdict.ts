import { eventValue, type AcceptedEvent } from '../ingestion/envelope.js';
import type { FairnessCaps } from '../config/types.js';
import { modifiedZ, robustSpread, type RobustSpread } from './statistics.js';

export type FlagRule = 'anomaly' | 'anomaly-population' | 'cap';

export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop'; readonly reason: 'flood'; readonly value: number; readonly threshold: number }
  | { readonly kind: 'flag'; readonly rule: FlagRule; readonly value: number; readonly statistic: number; readonly threshold: number };

export interface FairnessParams {
  readonly floodMaxPerSec: number;
  readonly anomalyZ: number;
  /** An anomaly must also be at least this many times the reference median (ANOMALY_MIN_FACTOR). */
  readonly anomalyMinFactor: number;
  /** Values kept per player and type (FAIRNESS_HISTORY). */
  readonly history: number;
  /** Below this many values of their own, a player is judged against the population. */
  readonly minHistory: number;
  readonly caps: FairnessCaps;
}

/** What the store knows when an event is judged (read before, committed after, per player in order). */
export interface PlayerWindow {
  /** The player's recent values for this event type, oldest first. */
  readonly history: readonly number[];
  /** Events of this player enqueued in the second before this one (this one excluded). */
  readonly eventsLastSecond: number;
  /** A rolling sample of this event type's values across players. */
  readonly population: readonly number[];
  /** `populationSpread(population)`, when the caller computed it already (once per batch). */
  readonly populationSpread?: RobustSpread;
}

/**
 * Judges one event, purely (DESIGN §7). Order matters: a flood is dropped before its values can
 * pollute anything; a hard cap beats statistics; then the modified z-score against the player's
 * own history, or against the population while that history is short (a new account cannot
 * cheat simply by having no past). Only upward outliers are flagged: inflated values are the
 * cheat; a bad match is not.
 */
export function judge(event: AcceptedEvent, window: PlayerWindow, params: FairnessParams): Verdict {
  if (window.eventsLastSecond + 1 > params.floodMaxPerSec) {
    return { kind: 'drop', reason: 'flood', value: window.eventsLastSecond + 1, threshold: params.floodMaxPerSec };
  }
  const value = eventValue(event);
  if (value === undefined) return { kind: 'pass' };
  const cap = capOf(event, params.caps);
  if (cap !== undefined && value > cap) return { kind: 'flag', rule: 'cap', value, statistic: value, threshold: cap };

  const own = window.history.length >= params.minHistory;
  const reference = own ? window.history : window.population;
  // A population sample only stands for "everyone" once it holds many players' values; right after
  // a cold start its few values would make strong honest newcomers look like outliers.
  if (reference.length < (own ? params.minHistory : params.minHistory * POPULATION_FACTOR)) return { kind: 'pass' };
  // Scores are taken on log(1 + value): game values are multiplicative (skill × tier × luck, a
  // roughly log-normal spread), and so is cheating (×10), which a raw-scale z-score confuses with
  // a strong player's good day. The floor keeps a near-constant history from flagging a 10 % move.
  const spread = own ? logSpread(reference) : (window.populationSpread ?? logSpread(reference));
  const x = Math.log1p(value);
  const z = modifiedZ(x, spread);
  // With a short history the MAD itself is noisy, and a strong player's best game can clear the z
  // threshold; a cheat that matters is a multiple of the usual value, so both must hold.
  const logFactor = x - spread.center;
  // Against the population the bar is higher: skill differences are real, so the best honest
  // newcomers sit far above the median; a newcomer must stand out beyond them.
  const threshold = own ? params.anomalyZ : params.anomalyZ + POPULATION_Z_MARGIN;
  if (z > threshold && logFactor >= Math.log(params.anomalyMinFactor)) {
    return { kind: 'flag', rule: own ? 'anomaly' : 'anomaly-population', value, statistic: round(z), threshold };
  }
  return { kind: 'pass' };
}

/** The spread of values on the log scale judge() uses. */
export function logSpread(values: readonly number[]): RobustSpread {
  return robustSpread(values.map(Math.log1p), LOG_SPREAD_FLOOR);
}

/** Added to ANOMALY_Z when judging against the population (see judge). */
const POPULATION_Z_MARGIN = 1.5;

/** How many times FAIRNESS_MIN_HISTORY values the population sample needs before it is used. */
const POPULATION_FACTOR = 10;

/** About ±10 % in value, in log units: a smaller spread is treated as this one. */
const LOG_SPREAD_FLOOR = 0.1;

/**
 * The history an event is compared with: its type, and for boss kills also the tier, because
 * points scale with the boss (a tier-7 kill is not a spike for a player who usually takes tier 4).
 */
export function historyKey(event: AcceptedEvent): string {
  return event.type === 'boss_kill' ? `boss_kill:t${event.payload.tier}` : event.type;
}

function capOf(event: AcceptedEvent, caps: FairnessCaps): number | undefined {
  switch (event.type) {
    case 'progression':
      return caps['progression.deltaXp'];
    case 'boss_kill':
      return caps['boss_kill.points'];
    case 'match_end':
      return caps['match_end.score'];
    case 'drop_claimed':
      return undefined;
  }
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}

export interface SanctionPolicy {
  readonly flagThreshold: number;
  readonly flagWindowS: number;
  readonly blockSec: number;
  /** Longest block a repeat offender gets (doubling stops here). */
  readonly maxBlockSec: number;
}

/**
 * After a flag: with `flagsInWindow` flags (this one included) inside FLAG_WINDOW_S, block once
 * the threshold is reached, for BLOCK_SEC doubled per earlier sanction, up to the maximum.
 */
export function sanctionFor(options: { readonly flagsInWindow: number; readonly priorSanctions: number; readonly nowMs: number; readonly policy: SanctionPolicy }): { untilMs: number; seconds: number } | undefined {
  const { policy } = options;
  if (options.flagsInWindow < policy.flagThreshold) return undefined;
  const seconds = Math.min(policy.maxBlockSec, policy.blockSec * 2 ** Math.min(options.priorSanctions, 30));
  return { untilMs: options.nowMs + seconds * 1000, seconds };
}
