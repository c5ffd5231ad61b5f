import type { LeaderboardWindow } from '../config/types.js';
import { addDays, isCalendarDate, isoWeekOf, isoWeeksIn, mondayOfIsoWeek, ZonedClock, type LocalDate } from './zoned-time.js';

/**
 * Leaderboard periods (DESIGN §4): one per window and calendar unit, named by a stable id.
 *
 * | window | id | bounds |
 * |---|---|---|
 * | daily | `2026-11-25` | local midnight to local midnight in LEADERBOARD_TZ (23 or 25 h on DST days) |
 * | weekly | `2026-W48` | ISO 8601 week: Monday 00:00 to the next Monday 00:00, local; the year is the ISO week-year |
 * | seasonal | `S3` | no clock bounds: season N is open while SEASON_ID is N and closes when SEASON_ID moves past it |
 * | alltime | `alltime` | never closes |
 *
 * Everything here is pure: time comes in as an argument. The calendar memoises period bounds
 * (per instance, so no module state), because every event asks for them.
 */
export type Period =
  | { readonly window: 'daily' | 'weekly'; readonly id: string; readonly startMs: number; readonly endMs: number }
  | { readonly window: 'seasonal'; readonly id: string; readonly season: number }
  | { readonly window: 'alltime'; readonly id: 'alltime' };

export type TimedPeriod = Extract<Period, { readonly startMs: number }>;

/** An example id per window, for error messages. */
export const PERIOD_ID_EXAMPLES: Readonly<Record<LeaderboardWindow, string>> = {
  daily: 'a date like 2026-11-25',
  weekly: 'an ISO week like 2026-W48',
  seasonal: 'a season like S3',
  alltime: 'alltime',
};

const DAILY_ID = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKLY_ID = /^(\d{4})-W(\d{2})$/;
const SEASON_ID = /^S([1-9]\d{0,8})$/;
/** Years outside this range are refused by `parse` (Date.UTC misreads years below 100). */
const MIN_YEAR = 2000;
const MAX_YEAR = 9999;
const MEMO_LIMIT = 256;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function dailyId(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function weeklyId(isoYear: number, week: number): string {
  return `${pad(isoYear, 4)}-W${pad(week)}`;
}

export function seasonalId(season: number): string {
  return `S${season}`;
}

export class PeriodCalendar {
  readonly #clock: ZonedClock;
  readonly #memo = new Map<string, TimedPeriod>();

  constructor(readonly timeZone: string) {
    this.#clock = new ZonedClock(timeZone);
  }

  /**
   * The period of `window` containing instant `atMs`; for seasonal boards the season is the
   * event's own (`season`), not the clock's.
   */
  periodAt(options: { readonly window: LeaderboardWindow; readonly atMs: number; readonly season: number }): Period {
    switch (options.window) {
      case 'daily':
        return this.#daily(this.#clock.dateAt(options.atMs));
      case 'weekly':
        return this.#weekly(this.#clock.dateAt(options.atMs));
      case 'seasonal':
        return { window: 'seasonal', id: seasonalId(options.season), season: options.season };
      case 'alltime':
        return { window: 'alltime', id: 'alltime' };
    }
  }

  /** The period open now: the one containing `nowMs`, and for seasonal boards season SEASON_ID. */
  current(options: { readonly window: LeaderboardWindow; readonly nowMs: number; readonly seasonId: number }): Period {
    return this.periodAt({ window: options.window, atMs: options.nowMs, season: options.seasonId });
  }

  /** The period named `id` in `window`, or undefined when `id` is not a well-formed, real period. */
  parse(window: LeaderboardWindow, id: string): Period | undefined {
    switch (window) {
      case 'daily': {
        const m = DAILY_ID.exec(id);
        if (m === null) return undefined;
        const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
        return date.year >= MIN_YEAR && date.year <= MAX_YEAR && isCalendarDate(date) ? this.#daily(date) : undefined;
      }
      case 'weekly': {
        const m = WEEKLY_ID.exec(id);
        if (m === null) return undefined;
        const isoYear = Number(m[1]);
        const week = Number(m[2]);
        if (isoYear < MIN_YEAR || isoYear > MAX_YEAR || week < 1 || week > isoWeeksIn(isoYear)) return undefined;
        return this.#weekly(mondayOfIsoWeek(isoYear, week));
      }
      case 'seasonal': {
        const m = SEASON_ID.exec(id);
        return m === null ? undefined : { window: 'seasonal', id, season: Number(m[1]) };
      }
      case 'alltime':
        return id === 'alltime' ? { window: 'alltime', id: 'alltime' } : undefined;
    }
  }

  /** The period just before `period`; undefined for all-time and for season 1. */
  previous(period: Period): Period | undefined {
    switch (period.window) {
      case 'daily':
      case 'weekly':
        // The instant before the start lies in the previous period whatever its length.
        return this.periodAt({ window: period.window, atMs: period.startMs - 1, season: 0 });
      case 'seasonal':
        return period.season > 1 ? { window: 'seasonal', id: seasonalId(period.season - 1), season: period.season - 1 } : undefined;
      case 'alltime':
        return undefined;
    }
  }

  /**
   * Periods of `window` that have closed by `nowMs`, newest first, at most `lookback` of them:
   * daily and weekly periods whose end lies `graceMs` or more in the past, and seasons before
   * SEASON_ID. All-time never closes.
   */
  closedPeriods(options: { readonly window: LeaderboardWindow; readonly nowMs: number; readonly seasonId: number; readonly graceMs: number; readonly lookback: number }): Period[] {
    const closed: Period[] = [];
    let candidate = this.previous(this.current(options));
    while (candidate !== undefined && closed.length < options.lookback) {
      if (candidate.window === 'daily' || candidate.window === 'weekly') {
        // Within the grace after its end a period still takes late events; it closes later.
        if (candidate.endMs + options.graceMs <= options.nowMs) closed.push(candidate);
      } else {
        closed.push(candidate);
      }
      candidate = this.previous(candidate);
    }
    return closed;
  }

  #daily(date: LocalDate): TimedPeriod {
    const id = dailyId(date);
    return this.#memoised(`d${id}`, () => ({ window: 'daily', id, startMs: this.#clock.startOf(date), endMs: this.#clock.startOf(addDays(date, 1)) }));
  }

  #weekly(date: LocalDate): TimedPeriod {
    const { isoYear, week } = isoWeekOf(date);
    const id = weeklyId(isoYear, week);
    return this.#memoised(`w${id}`, () => {
      const monday = mondayOfIsoWeek(isoYear, week);
      return { window: 'weekly', id, startMs: this.#clock.startOf(monday), endMs: this.#clock.startOf(addDays(monday, 7)) };
    });
  }

  #memoised(key: string, make: () => TimedPeriod): TimedPeriod {
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    // Only a handful of periods are live at once; a full memo is simply started over.
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
    const period = make();
    this.#memo.set(key, period);
    return period;
  }
}
