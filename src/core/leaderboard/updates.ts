import type { LeaderboardDefinition, LeaderboardWindow } from '../config/types.js';
import { seasonWindow, type AcceptedEvent } from '../ingestion/envelope.js';
import { maxScore, TIE_ENCODINGS, tieUnits } from './encoding.js';
import type { PeriodCalendar } from './periods.js';
import type { ScoreUpdate } from './ports.js';
import { expiryOf } from './retention.js';

/**
 * Why an event did not reach a board window:
 * - `invalid_value`: the board's field is missing, negative, fractional or beyond 2^53;
 * - `out_of_period`: a seasonal event for a season more than one ahead of SEASON_ID (one ahead
 *   is allowed, so events stamped by already-upgraded gateways during a season change count), or
 *   an event so old that its period's board key has already expired (EVENT_MAX_AGE_S above the
 *   retention); writing it would create a key that expires on the spot.
 */
export type SkipReason = 'invalid_value' | 'out_of_period';

export interface Skipped {
  readonly board: string;
  readonly window: LeaderboardWindow;
  readonly reason: SkipReason;
  readonly eventId: string;
  readonly playerId: string;
}

export interface PlannedUpdates {
  readonly updates: readonly ScoreUpdate[];
  readonly skipped: readonly Skipped[];
}

/**
 * Turns verified events into score updates: for each event, each board whose source is the
 * event's type, each of the board's windows, one update on the period the event falls in.
 *
 * The period comes from the event itself (its `ts`, its `season`), never from the clock of the
 * consumer: a redelivery after midnight must hit the same board key, or its dedup record would
 * not be found and the event would count twice. The tie time is the event's `ts` as well.
 */
export class UpdatePlanner {
  readonly #byType = new Map<string, LeaderboardDefinition[]>();

  constructor(private readonly options: { readonly boards: readonly LeaderboardDefinition[]; readonly calendar: PeriodCalendar; readonly seasonId: number }) {
    for (const board of options.boards) {
      const list = this.#byType.get(board.source.type) ?? [];
      list.push(board);
      this.#byType.set(board.source.type, list);
    }
  }

  plan(events: readonly AcceptedEvent[], nowMs: number): PlannedUpdates {
    const updates: ScoreUpdate[] = [];
    const skipped: Skipped[] = [];
    for (const event of events) {
      for (const board of this.#byType.get(event.type) ?? []) {
        const value = fieldValue(event, board.source.field);
        for (const window of board.windows) {
          const base = { board: board.id, window, eventId: event.eventId, playerId: event.playerId };
          if (value === undefined) {
            skipped.push({ ...base, reason: 'invalid_value' });
          } else if (window === 'seasonal' && event.season > seasonWindow(this.options.seasonId).max) {
            skipped.push({ ...base, reason: 'out_of_period' });
          } else {
            const update = this.#update({ event, board, window, value });
            if (update.expiry !== undefined && 'atMs' in update.expiry && update.expiry.atMs <= nowMs) skipped.push({ ...base, reason: 'out_of_period' });
            else updates.push(update);
          }
        }
      }
    }
    return { updates, skipped };
  }

  #update(options: { event: AcceptedEvent; board: LeaderboardDefinition; window: LeaderboardWindow; value: number }): ScoreUpdate {
    const { event, board, window } = options;
    const period = this.options.calendar.periodAt({ window, atMs: event.ts, season: event.season });
    const periodStartMs = period.window === 'daily' || period.window === 'weekly' ? period.startMs : undefined;
    return {
      key: { board: board.id, window, period: period.id },
      eventId: event.eventId,
      playerId: event.playerId,
      operator: board.operator,
      order: board.order,
      value: options.value,
      tie: tieUnits({ window, atMs: event.ts, ...(periodStartMs === undefined ? {} : { periodStartMs }) }),
      tieBits: TIE_ENCODINGS[window].bits,
      maxScore: maxScore(window),
      expiry: expiryOf(period),
    };
  }
}

/** The board's payload field as a score: a non-negative safe integer, else undefined. */
export function fieldValue(event: AcceptedEvent, field: string): number | undefined {
  const payload: Readonly<Record<string, unknown>> = event.payload;
  const value = payload[field];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
