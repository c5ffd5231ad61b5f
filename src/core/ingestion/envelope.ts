import { z } from 'zod';
import type { PayloadMax } from '../config/types.js';
import { unknownFieldsMessage } from '../errors/field-errors.js';

/**
 * The event envelope and its payloads (DESIGN §2), as zod schemas built from settings. Strict:
 * unknown fields anywhere are rejected. The same schemas validate requests and generate the
 * OpenAPI document, so the two cannot disagree.
 */
export const EVENT_TYPES = ['progression', 'boss_kill', 'drop_claimed', 'match_end'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const PLAYER_ID = /^[A-Za-z0-9_-]{3,64}$/;
/** Identifiers inside payloads (boss, drop, match ids, activity names). */
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** DESIGN §2: `ts` may be at most this far in the future (client clock skew). */
export const MAX_FUTURE_SKEW_MS = 300_000;

const name = (field: string) => z.string().regex(NAME, { error: `${field} must match ${NAME.source}` });
const boundedInt = (options: { min: number; max: number }) => z.int().min(options.min).max(options.max);

/** A boss's tier: fixed by the game, not a setting. */
export const MAX_BOSS_TIER = 10;

/**
 * The payload fields a leaderboard can rank by (its `source.field`): the non-negative integer
 * fields of each type, with the largest value the gateway accepts in each. `drop_claimed` has
 * none: its weight is a fraction. Kept next to the schemas below; a test holds them together.
 */
export function scoreFieldBounds(payloadMax: PayloadMax): Readonly<Record<EventType, Readonly<Record<string, number>>>> {
  return {
    progression: { deltaXp: payloadMax['progression.deltaXp'] },
    boss_kill: { tier: MAX_BOSS_TIER, points: payloadMax['boss_kill.points'] },
    drop_claimed: {},
    match_end: { score: payloadMax['match_end.score'], durationMs: payloadMax['match_end.durationMs'] },
  };
}

/** Seasons are positive integers; the bound only keeps garbage out of the schema. */
export const MAX_SEASON = 1_000_000;

/**
 * How far an event's season may be from SEASON_ID (issue #19 item 6): every season creates
 * progress, inventory and leaderboard rows, so `season` 1..1e6 was a row factory. ±1 covers the
 * rollover, when some replicas and clients already run the next season and late events of the
 * previous one still arrive.
 */
export const SEASON_SLACK = 1;

/** The seasons accepted while SEASON_ID is `currentSeason`. */
export function seasonWindow(currentSeason: number): { readonly min: number; readonly max: number } {
  return { min: Math.max(1, currentSeason - SEASON_SLACK), max: currentSeason + SEASON_SLACK };
}

/** The field error for a season outside {@link seasonWindow}, or undefined when it is inside. */
export function seasonError(options: { readonly season: number; readonly currentSeason: number; readonly path: string }): FieldError | undefined {
  const { min, max } = seasonWindow(options.currentSeason);
  if (options.season >= min && options.season <= max) return undefined;
  return { path: options.path, message: `season must be from ${min} to ${max} (SEASON_ID ${options.currentSeason} ± ${SEASON_SLACK})` };
}

export interface EnvelopeLimits {
  readonly payloadMax: PayloadMax;
}

export function payloadSchemas(limits: EnvelopeLimits) {
  const max = limits.payloadMax;
  return {
    progression: z.strictObject({
      deltaXp: boundedInt({ min: 1, max: max['progression.deltaXp'] }),
      activity: name('activity'),
    }),
    boss_kill: z.strictObject({
      bossId: name('bossId'),
      tier: boundedInt({ min: 1, max: MAX_BOSS_TIER }),
      points: boundedInt({ min: 0, max: max['boss_kill.points'] }),
    }),
    drop_claimed: z.strictObject({
      dropId: name('dropId'),
      weight: z.number().min(0).max(1),
      source: name('source'),
    }),
    match_end: z.strictObject({
      matchId: name('matchId'),
      score: boundedInt({ min: 0, max: max['match_end.score'] }),
      durationMs: boundedInt({ min: 1, max: max['match_end.durationMs'] }),
    }),
  } as const;
}

/** One envelope schema per type, discriminated on `type`, so errors point at the right payload. */
export function envelopeSchema(limits: EnvelopeLimits) {
  const payloads = payloadSchemas(limits);
  const common = {
    eventId: z.uuid({ error: 'eventId must be a UUID' }),
    playerId: z.string().regex(PLAYER_ID, { error: `playerId must match ${PLAYER_ID.source}` }),
    ts: z.int({ error: 'ts must be an integer (epoch milliseconds)' }).min(0),
    season: boundedInt({ min: 1, max: MAX_SEASON }).optional(),
  };
  return z.discriminatedUnion(
    'type',
    [
      z.strictObject({ ...common, type: z.literal('progression'), payload: payloads.progression }),
      z.strictObject({ ...common, type: z.literal('boss_kill'), payload: payloads.boss_kill }),
      z.strictObject({ ...common, type: z.literal('drop_claimed'), payload: payloads.drop_claimed }),
      z.strictObject({ ...common, type: z.literal('match_end'), payload: payloads.match_end }),
    ],
    { error: `type must be one of ${EVENT_TYPES.join(', ')}` },
  );
}

export type EnvelopeSchema = ReturnType<typeof envelopeSchema>;
export type GameEvent = z.infer<EnvelopeSchema>;

/** An accepted event with its season filled in (the default is the current season). */
export type AcceptedEvent = GameEvent & { readonly season: number };

export interface FieldError {
  /** JSON-pointer-like dotted path, e.g. `payload.points` or `events.3.eventId`. */
  readonly path: string;
  readonly message: string;
}

export type ValidationResult = { readonly ok: true; readonly event: AcceptedEvent } | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * Validates one envelope: the schema, then the time window that depends on `nowMs` (kept out of
 * the schema so the schema stays a pure description for OpenAPI).
 */
export function validateEvent(options: {
  readonly schema: EnvelopeSchema;
  readonly input: unknown;
  readonly nowMs: number;
  readonly maxAgeS: number;
  readonly currentSeason: number;
  /** Prefix for error paths, e.g. `events.3`. */
  readonly pathPrefix?: string;
}): ValidationResult {
  const prefix = options.pathPrefix === undefined ? [] : [options.pathPrefix];
  const result = options.schema.safeParse(options.input);
  if (!result.success) {
    return { ok: false, errors: result.error.issues.map((issue) => toFieldError(issue, prefix)) };
  }
  const event = result.data;
  const tsPath = [...prefix, 'ts'].join('.');
  if (event.ts < options.nowMs - options.maxAgeS * 1000) {
    return { ok: false, errors: [{ path: tsPath, message: `ts is older than EVENT_MAX_AGE_S (${options.maxAgeS} s)` }] };
  }
  if (event.ts > options.nowMs + MAX_FUTURE_SKEW_MS) {
    return { ok: false, errors: [{ path: tsPath, message: `ts is more than ${MAX_FUTURE_SKEW_MS / 1000} s in the future` }] };
  }
  const season = event.season ?? options.currentSeason;
  const outOfSeason = seasonError({ season, currentSeason: options.currentSeason, path: [...prefix, 'season'].join('.') });
  if (outOfSeason !== undefined) return { ok: false, errors: [outOfSeason] };
  return { ok: true, event: { ...event, season } };
}

export function toFieldError(issue: z.core.$ZodIssue, prefix: readonly string[] = []): FieldError {
  const path = [...prefix, ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    return { path, message: unknownFieldsMessage(issue.keys) };
  }
  return { path, message: issue.message };
}

/** The numeric value fairness and leaderboards look at, per type (undefined for drops). */
export function eventValue(event: GameEvent): number | undefined {
  switch (event.type) {
    case 'progression':
      return event.payload.deltaXp;
    case 'boss_kill':
      return event.payload.points;
    case 'match_end':
      return event.payload.score;
    case 'drop_claimed':
      return undefined;
  }
}
