import { describe, expect, it } from 'vitest';
import { DEFAULT_LEADERBOARDS } from '../../../src/core/config/settings-leaderboards.js';
import type { LeaderboardDefinition } from '../../../src/core/config/types.js';
import type { AcceptedEvent } from '../../../src/core/ingestion/envelope.js';
import { maxScore } from '../../../src/core/leaderboard/encoding.js';
import { PeriodCalendar } from '../../../src/core/leaderboard/periods.js';
import { UpdatePlanner } from '../../../src/core/leaderboard/updates.js';

/** Wednesday 2026-11-25 08:00:00 UTC. */
const NOW = Date.UTC(2026, 10, 25, 8);

function kill(overrides: Partial<AcceptedEvent> = {}): AcceptedEvent {
  return { eventId: '7d0c2a4e-5f1b-4c2e-9a57-2f0e6b1c9d3a', type: 'boss_kill', playerId: 'player_42', ts: NOW, season: 3, payload: { bossId: 'dragon', tier: 3, points: 1500 }, ...overrides } as AcceptedEvent;
}

describe('planning updates from verified events', () => {
  it('sends an event to each window of every board sourced from its type, in the periods of its own time and season', () => {
    const planner = new UpdatePlanner({ boards: DEFAULT_LEADERBOARDS, calendar: new PeriodCalendar('Europe/Berlin'), seasonId: 3 });
    // 2026-11-25 23:30 UTC is already Thursday the 26th in Berlin (UTC+1).
    const { updates, skipped } = planner.plan([kill({ ts: Date.UTC(2026, 10, 25, 23, 30) })], NOW);
    expect(skipped).toEqual([]);
    expect(updates.map((u) => `${u.key.board}/${u.key.window}/${u.key.period}`)).toEqual(['points/daily/2026-11-26', 'points/weekly/2026-W48', 'points/seasonal/S3', 'points/alltime/alltime']);
    const [daily, weekly, seasonal, alltime] = updates;
    // 30 minutes into the local day (it started 2026-11-25 23:00 UTC); 3 days and 30 minutes into the week.
    expect(daily).toMatchObject({ value: 1500, tie: 1800, tieBits: 17, maxScore: maxScore('daily'), operator: 'incr', order: 'desc', expiry: { atMs: Date.UTC(2026, 10, 26, 23) + 7 * 86_400_000 } });
    expect(weekly?.tie).toBe(3 * 86_400 + 1800);
    expect(seasonal?.expiry).toEqual({ afterMs: 400 * 86_400_000 });
    expect(alltime?.expiry).toBeUndefined();
  });

  it('skips a board whose field the event lacks or holds as a non-integer', () => {
    const boards: LeaderboardDefinition[] = [
      { id: 'odd', source: { type: 'boss_kill', field: 'nope' }, operator: 'incr', order: 'desc', windows: ['daily'] },
      { id: 'tiers', source: { type: 'boss_kill', field: 'tier' }, operator: 'best', order: 'desc', windows: ['daily'] },
      { id: 'luck', source: { type: 'drop_claimed', field: 'weight' }, operator: 'incr', order: 'desc', windows: ['daily'] },
    ];
    const planner = new UpdatePlanner({ boards, calendar: new PeriodCalendar('UTC'), seasonId: 3 });
    const drop = { eventId: 'e', type: 'drop_claimed', playerId: 'p_1', ts: NOW, season: 3, payload: { dropId: 'd', weight: 0.5, source: 's' } } as AcceptedEvent;
    const { updates, skipped } = planner.plan([kill(), drop], NOW);
    expect(updates.map((u) => u.key.board)).toEqual(['tiers']);
    expect(skipped.map((s) => `${s.board}:${s.reason}`)).toEqual(['odd:invalid_value', 'luck:invalid_value']);
  });

  it('skips seasons more than one ahead of SEASON_ID and periods whose keys have expired', () => {
    const planner = new UpdatePlanner({ boards: DEFAULT_LEADERBOARDS, calendar: new PeriodCalendar('UTC'), seasonId: 3 });
    expect(planner.plan([kill({ season: 4 })], NOW).skipped).toEqual([]);
    expect(planner.plan([kill({ season: 5 })], NOW).skipped).toEqual([{ board: 'points', window: 'seasonal', reason: 'out_of_period', eventId: kill().eventId, playerId: 'player_42' }]);
    // An event from 2026-11-10: its daily key expired on the 18th; its week (W46) keeps until 2026-12-14.
    const old = planner.plan([kill({ ts: Date.UTC(2026, 10, 10, 12) })], NOW);
    expect(old.skipped.map((s) => s.window)).toEqual(['daily']);
    expect(old.updates.map((u) => u.key.window)).toEqual(['weekly', 'seasonal', 'alltime']);
  });
});
