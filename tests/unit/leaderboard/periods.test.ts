import { describe, expect, it } from 'vitest';
import type { LeaderboardWindow } from '../../../src/core/config/types.js';
import { PeriodCalendar, type Period } from '../../../src/core/leaderboard/periods.js';
import { isoWeeksIn } from '../../../src/core/leaderboard/zoned-time.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

function period(timeZone: string, window: LeaderboardWindow, instant: string, season = 1): Period {
  return new PeriodCalendar(timeZone).periodAt({ window, atMs: at(instant), season });
}

/** id, start and end (ISO, UTC) of a daily or weekly period. */
function bounds(p: Period): { id: string; start: string; end: string; hours: number } {
  if (p.window !== 'daily' && p.window !== 'weekly') throw new Error(`${p.window} has no bounds`);
  return { id: p.id, start: iso(p.startMs), end: iso(p.endMs), hours: (p.endMs - p.startMs) / 3_600_000 };
}

describe('daily periods', () => {
  it('are UTC calendar days by default', () => {
    // Wednesday 2026-11-25 08:00 UTC.
    expect(bounds(period('UTC', 'daily', '2026-11-25T08:00:00Z'))).toEqual({ id: '2026-11-25', start: '2026-11-25T00:00:00.000Z', end: '2026-11-26T00:00:00.000Z', hours: 24 });
  });

  it('turn over at local midnight in a zone east of UTC', () => {
    // 2026-11-25 23:59:59 in Seoul (UTC+9) is 14:59:59 UTC: still the 25th there.
    expect(bounds(period('Asia/Seoul', 'daily', '2026-11-25T14:59:59Z'))).toEqual({ id: '2026-11-25', start: '2026-11-24T15:00:00.000Z', end: '2026-11-25T15:00:00.000Z', hours: 24 });
    // One second later it is 2026-11-26 00:00:00 in Seoul, while UTC is still on the 25th.
    expect(period('Asia/Seoul', 'daily', '2026-11-25T15:00:00Z').id).toBe('2026-11-26');
  });

  it('turn over at local midnight in a zone west of UTC', () => {
    // 2026-11-25 07:59:59 UTC is 23:59:59 on the 24th in Los Angeles (PST, UTC−8).
    expect(period('America/Los_Angeles', 'daily', '2026-11-25T07:59:59Z').id).toBe('2026-11-24');
    // 2026-11-25 08:00:00 UTC is midnight of the 25th in Los Angeles.
    expect(bounds(period('America/Los_Angeles', 'daily', '2026-11-25T08:00:00Z'))).toMatchObject({ id: '2026-11-25', start: '2026-11-25T08:00:00.000Z' });
  });

  it('last 23 hours on the day clocks spring forward and 25 on the day they fall back (Berlin)', () => {
    // Sunday 2026-03-29: Berlin goes from 02:00 CET to 03:00 CEST.
    expect(bounds(period('Europe/Berlin', 'daily', '2026-03-29T12:00:00Z'))).toEqual({ id: '2026-03-29', start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z', hours: 23 });
    // Sunday 2026-10-25: Berlin goes from 03:00 CEST back to 02:00 CET.
    expect(bounds(period('Europe/Berlin', 'daily', '2026-10-25T12:00:00Z'))).toEqual({ id: '2026-10-25', start: '2026-10-24T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z', hours: 25 });
  });

  it('start at 01:00 when the clocks skip midnight itself (Santiago, Havana)', () => {
    // Sunday 2026-09-06: Chile jumps from 00:00 (UTC−4) to 01:00 (UTC−3); the day starts at 01:00 local = 04:00 UTC.
    expect(bounds(period('America/Santiago', 'daily', '2026-09-06T12:00:00Z'))).toEqual({ id: '2026-09-06', start: '2026-09-06T04:00:00.000Z', end: '2026-09-07T03:00:00.000Z', hours: 23 });
    // Saturday 2026-09-05, the day before, keeps its 24 hours and ends where the 6th begins.
    expect(bounds(period('America/Santiago', 'daily', '2026-09-05T12:00:00Z'))).toMatchObject({ end: '2026-09-06T04:00:00.000Z', hours: 24 });
    // Sunday 2026-03-08: Cuba jumps from 00:00 to 01:00 (CST → CDT).
    expect(bounds(period('America/Havana', 'daily', '2026-03-08T12:00:00Z'))).toMatchObject({ start: '2026-03-08T05:00:00.000Z', hours: 23 });
    // Sunday 2026-11-01: Cuba goes from 01:00 back to 00:00, so midnight happens twice; the day starts at the first.
    expect(bounds(period('America/Havana', 'daily', '2026-11-01T12:00:00Z'))).toMatchObject({ start: '2026-11-01T04:00:00.000Z', hours: 25 });
  });

  it('handle half-hour DST shifts (Lord Howe Island)', () => {
    // Sunday 2026-10-04: Lord Howe moves from UTC+10:30 to UTC+11 at 02:00, a 23.5-hour day.
    expect(bounds(period('Australia/Lord_Howe', 'daily', '2026-10-04T12:00:00Z'))).toMatchObject({ start: '2026-10-03T13:30:00.000Z', hours: 23.5 });
  });

  it('leave a day a zone skipped empty (Samoa, 2011-12-30)', () => {
    const apia = new PeriodCalendar('Pacific/Apia');
    // Samoa crossed the date line: Thursday 2011-12-29 (UTC−10) was followed by Saturday 2011-12-31 (UTC+14).
    expect(bounds(apia.parse('daily', '2011-12-29') ?? fail())).toEqual({ id: '2011-12-29', start: '2011-12-29T10:00:00.000Z', end: '2011-12-30T10:00:00.000Z', hours: 24 });
    expect(bounds(apia.parse('daily', '2011-12-30') ?? fail())).toMatchObject({ start: '2011-12-30T10:00:00.000Z', hours: 0 });
    // 2011-12-30 10:00 UTC is midnight of the 31st in Apia.
    expect(apia.periodAt({ window: 'daily', atMs: at('2011-12-30T10:00:00Z'), season: 1 }).id).toBe('2011-12-31');
  });
});

describe('weekly periods (ISO 8601 weeks)', () => {
  it('run Monday 00:00 to Monday 00:00 local', () => {
    // Wednesday 2026-11-25 is in ISO week 48 (Monday 2026-11-23 … Sunday 2026-11-29).
    expect(bounds(period('UTC', 'weekly', '2026-11-25T08:00:00Z'))).toEqual({ id: '2026-W48', start: '2026-11-23T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z', hours: 168 });
    // Monday 2026-11-23 00:00 in Tokyo (UTC+9) is Sunday 15:00 UTC: already week 48 there.
    expect(bounds(period('Asia/Tokyo', 'weekly', '2026-11-22T15:00:00Z'))).toMatchObject({ id: '2026-W48', start: '2026-11-22T15:00:00.000Z' });
    expect(period('Asia/Tokyo', 'weekly', '2026-11-22T14:59:59Z').id).toBe('2026-W47');
  });

  it('have 167 hours in the week clocks spring forward (Berlin, 2026-W13)', () => {
    // Wednesday 2026-03-25, in the week Monday 2026-03-23 … Sunday 2026-03-29 (DST starts on the Sunday).
    expect(bounds(period('Europe/Berlin', 'weekly', '2026-03-25T12:00:00Z'))).toEqual({ id: '2026-W13', start: '2026-03-22T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z', hours: 167 });
  });

  it('include week 53 of 2026, 2026-12-28 … 2027-01-03', () => {
    expect(isoWeeksIn(2026)).toBe(53);
    expect(isoWeeksIn(2027)).toBe(52);
    // Monday 2026-12-28: the first day of week 53.
    expect(bounds(period('UTC', 'weekly', '2026-12-28T00:00:00Z'))).toEqual({ id: '2026-W53', start: '2026-12-28T00:00:00.000Z', end: '2027-01-04T00:00:00.000Z', hours: 168 });
    // Friday 2027-01-01, New Year's Day: still week 53 of ISO year 2026.
    expect(period('UTC', 'weekly', '2027-01-01T12:00:00Z').id).toBe('2026-W53');
    // Sunday 2027-01-03 23:59:59: the last second of week 53.
    expect(period('UTC', 'weekly', '2027-01-03T23:59:59Z').id).toBe('2026-W53');
    // Monday 2027-01-04: week 1 of 2027.
    expect(period('UTC', 'weekly', '2027-01-04T00:00:00Z').id).toBe('2027-W01');
  });

  it('belong to the ISO year of their Thursday at year ends', () => {
    // Wednesday 2025-12-31 is in week 1 of 2026 (Monday 2025-12-29 … Sunday 2026-01-04).
    expect(bounds(period('UTC', 'weekly', '2025-12-31T12:00:00Z'))).toMatchObject({ id: '2026-W01', start: '2025-12-29T00:00:00.000Z' });
    // Sunday 2023-01-01 is in week 52 of 2022.
    expect(period('UTC', 'weekly', '2023-01-01T12:00:00Z').id).toBe('2022-W52');
    // 2026-12-31 23:30 in New York is 2027-01-01 04:30 UTC: the local date decides (still 2026-W53 either way).
    expect(period('America/New_York', 'daily', '2027-01-01T04:30:00Z').id).toBe('2026-12-31');
  });
});

describe('seasonal and all-time periods', () => {
  it('name the event’s season and one all-time period', () => {
    // A season-3 event at 2026-11-25 08:00 UTC.
    expect(period('UTC', 'seasonal', '2026-11-25T08:00:00Z', 3)).toEqual({ window: 'seasonal', id: 'S3', season: 3 });
    expect(period('UTC', 'alltime', '2026-11-25T08:00:00Z')).toEqual({ window: 'alltime', id: 'alltime' });
    // The current seasonal period follows SEASON_ID, not the clock.
    expect(new PeriodCalendar('UTC').current({ window: 'seasonal', nowMs: at('2026-11-25T08:00:00Z'), seasonId: 4 }).id).toBe('S4');
  });
});

describe('parsing period ids', () => {
  const calendar = new PeriodCalendar('Europe/Berlin');

  it('accepts real periods and gives them their local bounds', () => {
    // 2026-03-29, Berlin's 23-hour day.
    expect(bounds(calendar.parse('daily', '2026-03-29') ?? fail())).toMatchObject({ start: '2026-03-28T23:00:00.000Z', hours: 23 });
    // 2026-W53 starts Monday 2026-12-28 00:00 CET = 2026-12-27 23:00 UTC.
    expect(bounds(calendar.parse('weekly', '2026-W53') ?? fail())).toMatchObject({ start: '2026-12-27T23:00:00.000Z', hours: 168 });
    expect(calendar.parse('seasonal', 'S12')).toEqual({ window: 'seasonal', id: 'S12', season: 12 });
    expect(calendar.parse('alltime', 'alltime')).toEqual({ window: 'alltime', id: 'alltime' });
  });

  it('refuses malformed and impossible ids', () => {
    for (const id of ['2026-02-30', '2026-13-01', '2026-1-05', '26-11-25', '1999-12-31', 'current', '2026-11-25 ']) expect(calendar.parse('daily', id), id).toBeUndefined();
    // 2027 has 52 ISO weeks; W00 and W54 never exist.
    for (const id of ['2027-W53', '2026-W00', '2026-W54', '2026-W5', '2026W48']) expect(calendar.parse('weekly', id), id).toBeUndefined();
    for (const id of ['S0', 'S01', 's3', 'S', 'S-1', '3']) expect(calendar.parse('seasonal', id), id).toBeUndefined();
    expect(calendar.parse('alltime', 'all')).toBeUndefined();
  });
});

describe('previous and closed periods', () => {
  const calendar = new PeriodCalendar('UTC');

  it('steps back over month, year and week-53 boundaries', () => {
    // Sunday 2026-03-01 → Saturday 2026-02-28.
    expect(calendar.previous(calendar.parse('daily', '2026-03-01') ?? fail())?.id).toBe('2026-02-28');
    // Friday 2027-01-01 → Thursday 2026-12-31.
    expect(calendar.previous(calendar.parse('daily', '2027-01-01') ?? fail())?.id).toBe('2026-12-31');
    // Week 1 of 2027 (from Monday 2027-01-04) → week 53 of 2026.
    expect(calendar.previous(calendar.parse('weekly', '2027-W01') ?? fail())?.id).toBe('2026-W53');
    // Week 1 of 2026 (from Monday 2025-12-29) → week 52 of 2025.
    expect(calendar.previous(calendar.parse('weekly', '2026-W01') ?? fail())?.id).toBe('2025-W52');
    expect(calendar.previous({ window: 'seasonal', id: 'S3', season: 3 })?.id).toBe('S2');
    expect(calendar.previous({ window: 'seasonal', id: 'S1', season: 1 })).toBeUndefined();
    expect(calendar.previous({ window: 'alltime', id: 'alltime' })).toBeUndefined();
  });

  it('steps back over a 25-hour day in a DST zone', () => {
    const berlin = new PeriodCalendar('Europe/Berlin');
    // Monday 2026-10-26 → Sunday 2026-10-25, the 25-hour day.
    expect(bounds(berlin.previous(berlin.parse('daily', '2026-10-26') ?? fail()) ?? fail())).toMatchObject({ id: '2026-10-25', hours: 25 });
  });

  it('closes a day only once its grace after midnight has passed', () => {
    const options = { window: 'daily', seasonId: 1, graceMs: 5 * 60_000, lookback: 3 } as const;
    // Wednesday 2026-11-25 00:03 UTC: the 24th ended 3 minutes ago, within the 5-minute grace.
    expect(calendar.closedPeriods({ ...options, nowMs: at('2026-11-25T00:03:00Z') }).map((p) => p.id)).toEqual(['2026-11-23', '2026-11-22', '2026-11-21']);
    // 00:05 UTC: the grace is over.
    expect(calendar.closedPeriods({ ...options, nowMs: at('2026-11-25T00:05:00Z') }).map((p) => p.id)).toEqual(['2026-11-24', '2026-11-23', '2026-11-22']);
  });

  it('closes every season before SEASON_ID and never all-time', () => {
    // Season 3 running (SEASON_ID=3) on 2026-11-25: seasons 2 and 1 are closed.
    expect(calendar.closedPeriods({ window: 'seasonal', nowMs: at('2026-11-25T08:00:00Z'), seasonId: 3, graceMs: 0, lookback: 5 }).map((p) => p.id)).toEqual(['S2', 'S1']);
    expect(calendar.closedPeriods({ window: 'seasonal', nowMs: at('2026-11-25T08:00:00Z'), seasonId: 1, graceMs: 0, lookback: 5 })).toEqual([]);
    expect(calendar.closedPeriods({ window: 'alltime', nowMs: at('2026-11-25T08:00:00Z'), seasonId: 3, graceMs: 0, lookback: 5 })).toEqual([]);
  });
});

function fail(): never {
  throw new Error('expected a period');
}
