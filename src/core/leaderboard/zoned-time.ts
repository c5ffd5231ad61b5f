/**
 * Calendar arithmetic in an IANA time zone with nothing but `Intl.DateTimeFormat` (no date
 * library). Two operations are needed: the local calendar date of an instant, and the first
 * instant of a local date. The second has no closed form under DST (a day may start at 01:00 when
 * the clocks jump at midnight), so it is found by bisection on the first one.
 */

/** A calendar date; `month` 1..12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY_MS = 86_400_000;

/** The local-date reader of one time zone; building an `Intl.DateTimeFormat` is the costly part. */
export class ZonedClock {
  readonly #format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    // en-CA formats as YYYY-MM-DD; formatToParts makes the result independent of that anyway.
    this.#format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** The calendar date on a wall clock in this zone at instant `ms`. */
  dateAt(ms: number): LocalDate {
    let year = 0;
    let month = 0;
    let day = 0;
    for (const part of this.#format.formatToParts(ms)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
    }
    return { year, month, day };
  }

  /**
   * The first instant (whole second) whose local date is `date` or later. Offsets lie within
   * −12 h … +14 h, so at `wall − 15 h` the local date is still earlier and at `wall + 13 h` it is
   * reached: the answer lies between, and local dates only move forward in that span.
   */
  startOf(date: LocalDate): number {
    const wall = Date.UTC(date.year, date.month - 1, date.day);
    const target = dateKey(date);
    let lo = (wall - 15 * 3_600_000) / 1000;
    let hi = (wall + 13 * 3_600_000) / 1000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (dateKey(this.dateAt(mid * 1000)) >= target) hi = mid;
      else lo = mid;
    }
    return hi * 1000;
  }
}

/** yyyymmdd as a number, for ordering dates. */
export function dateKey(date: LocalDate): number {
  return date.year * 10_000 + date.month * 100 + date.day;
}

/** The date `days` after `date` (pure calendar arithmetic, no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(date: LocalDate): number {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** ISO 8601 week: the week belongs to the year of its Thursday; week 1 holds January 4th. */
export function isoWeekOf(date: LocalDate): { readonly isoYear: number; readonly week: number } {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const firstThursday = addDays({ year: thursday.year, month: 1, day: 4 }, 4 - isoWeekday({ year: thursday.year, month: 1, day: 4 }));
  const days = (Date.UTC(thursday.year, thursday.month - 1, thursday.day) - Date.UTC(firstThursday.year, firstThursday.month - 1, firstThursday.day)) / DAY_MS;
  return { isoYear: thursday.year, week: 1 + Math.round(days / 7) };
}

/** The Monday of ISO week `week` of `isoYear`. */
export function mondayOfIsoWeek(isoYear: number, week: number): LocalDate {
  const jan4 = { year: isoYear, month: 1, day: 4 };
  return addDays(jan4, 1 - isoWeekday(jan4) + (week - 1) * 7);
}

/** 52 or 53: a year has 53 ISO weeks when its December 28th lies in week 53. */
export function isoWeeksIn(isoYear: number): number {
  return isoWeekOf({ year: isoYear, month: 12, day: 28 }).week;
}

/** True when the three numbers name a real calendar date. */
export function isCalendarDate(date: LocalDate): boolean {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day));
  return d.getUTCFullYear() === date.year && d.getUTCMonth() === date.month - 1 && d.getUTCDate() === date.day;
}
