import { describe, expect, it } from 'vitest';
import { readLeaderboardPrizes } from '../../../src/core/config/settings-prizes.js';
import { createSettingsReader } from '../../../src/core/config/settings-reader.js';

function read(raw: Record<string, string>): { prizes: unknown; problems: string[] } {
  const reader = createSettingsReader(raw);
  const prizes = readLeaderboardPrizes(reader);
  return { prizes, problems: reader.problems.map((p) => `${p.setting}: ${p.rule}`) };
}

const CHAMPION = { board: 'points', window: 'weekly', rank: 1, rewardId: 'weekly_champion', item: 'trophy_gold', qty: 1 };

describe('LEADERBOARD_PRIZES', () => {
  it('defaults to no prizes', () => {
    expect(read({})).toEqual({ prizes: [], problems: [] });
  });

  it('reads prizes, filling rankTo with rank, frozen', () => {
    const { prizes, problems } = read({ LEADERBOARD_PRIZES: JSON.stringify([CHAMPION, { ...CHAMPION, rank: 2, rankTo: 10, rewardId: 'weekly_top10', item: 'trophy_silver' }]) });
    expect(problems).toEqual([]);
    expect(prizes).toEqual([{ ...CHAMPION, rankTo: 1 }, { ...CHAMPION, rank: 2, rankTo: 10, rewardId: 'weekly_top10', item: 'trophy_silver' }]);
    expect(Object.isFrozen(prizes)).toBe(true);
  });

  it('names every bad prize and rule, never the value', () => {
    const { problems } = read({
      LEADERBOARD_PRIZES: JSON.stringify([
        { ...CHAMPION, window: 'alltime' },
        { ...CHAMPION, board: 'nope' },
        { ...CHAMPION, board: 'xp', window: 'monthly' },
        { ...CHAMPION, rank: 0, qty: 0, extra: true },
        { ...CHAMPION, rank: 5, rankTo: 3 },
      ]),
    });
    expect(problems).toEqual([
      'LEADERBOARD_PRIZES: prize #1: window must be daily, weekly or seasonal (all-time boards never close)',
      'LEADERBOARD_PRIZES: prize #2: board must be one of the LEADERBOARDS ids (points, xp, best_match)',
      'LEADERBOARD_PRIZES: prize #3: window must be daily, weekly or seasonal (all-time boards never close)',
      'LEADERBOARD_PRIZES: prize #4: rank must be an integer from 1 to 100000',
      'LEADERBOARD_PRIZES: prize #4: qty must be an integer from 1 to 1000000',
      "LEADERBOARD_PRIZES: prize #4: unknown field 'extra'",
      'LEADERBOARD_PRIZES: prize #5: rankTo must not be below rank',
    ]);
  });

  it('checks boards and windows against LEADERBOARDS', () => {
    const boards = [{ id: 'kills', source: { type: 'boss_kill', field: 'points' }, operator: 'incr', order: 'desc', windows: ['daily'] }];
    expect(read({ LEADERBOARDS: JSON.stringify(boards), LEADERBOARD_PRIZES: JSON.stringify([{ ...CHAMPION, board: 'kills' }]) }).problems).toEqual([
      "LEADERBOARD_PRIZES: prize #1: board 'kills' has no weekly window (it has daily)",
    ]);
    // With LEADERBOARDS itself invalid, its own problem is reported elsewhere; prizes are not cross-checked.
    expect(read({ LEADERBOARDS: '[', LEADERBOARD_PRIZES: JSON.stringify([{ ...CHAMPION, board: 'kills' }]) }).problems).toEqual([]);
  });

  it('refuses two prizes that would share a grant id', () => {
    expect(read({ LEADERBOARD_PRIZES: JSON.stringify([{ ...CHAMPION, rankTo: 3 }, { ...CHAMPION, rank: 3, item: 'other' }]) }).problems).toEqual([
      "LEADERBOARD_PRIZES: prize #2: overlaps the ranks of another 'weekly_champion' prize on points/weekly; use another rewardId or disjoint ranks",
    ]);
  });

  it('refuses invalid JSON and non-arrays', () => {
    expect(read({ LEADERBOARD_PRIZES: '{' }).problems).toEqual(['LEADERBOARD_PRIZES: not valid JSON (expected [{"board","window","rank","rewardId","item","qty"},…])']);
    expect(read({ LEADERBOARD_PRIZES: '{}' }).problems).toEqual(['LEADERBOARD_PRIZES: must be a JSON array of prizes']);
  });
});
