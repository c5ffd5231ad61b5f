import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { readLeaderboards } from './settings-leaderboards.js';
import { createSettingsReader, type SettingsReader, readJsonSetting } from './settings-reader.js';
import type { LeaderboardWindow } from './types.js';

/**
 * LEADERBOARD_PRIZES: what the top of a board wins when one of its periods closes, granted once
 * per player, rank and period through the progression grant interface (as receipts). JSON array:
 *
 *     [{"board":"points","window":"weekly","rank":1,"rewardId":"weekly_champion","item":"trophy_gold","qty":1},
 *      {"board":"points","window":"weekly","rank":2,"rankTo":10,"rewardId":"weekly_top10","item":"trophy_silver","qty":1}]
 *
 * `rankTo` (inclusive, default `rank`) gives one prize to a range of ranks. All-time boards never
 * close, so they have no prizes. Unset means no prizes.
 */
export interface LeaderboardPrize {
  readonly board: string;
  readonly window: PrizeWindow;
  /** First rank that wins (1-based). */
  readonly rank: number;
  /** Last rank that wins, inclusive. */
  readonly rankTo: number;
  readonly rewardId: string;
  readonly item: string;
  readonly qty: number;
}

export type PrizeWindow = Exclude<LeaderboardWindow, 'alltime'>;

const SETTING = 'LEADERBOARD_PRIZES';
const MAX_RANK = 100_000;
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

const prizeSchema = z
  .strictObject(
    {
      board: z.string({ error: 'board must be a board id' }),
      window: z.enum(['daily', 'weekly', 'seasonal'], { error: 'window must be daily, weekly or seasonal (all-time boards never close)' }),
      rank: z.int({ error: `rank must be an integer from 1 to ${MAX_RANK}` }).min(1, { error: `rank must be an integer from 1 to ${MAX_RANK}` }).max(MAX_RANK, { error: `rank must be an integer from 1 to ${MAX_RANK}` }),
      rankTo: z.int({ error: `rankTo must be an integer from rank to ${MAX_RANK}` }).max(MAX_RANK, { error: `rankTo must be an integer from rank to ${MAX_RANK}` }).optional(),
      rewardId: z.string({ error: 'rewardId must be a string' }).regex(NAME, { error: `rewardId must match ${NAME.source}` }),
      item: z.string({ error: 'item must be a string' }).regex(NAME, { error: `item must match ${NAME.source}` }),
      qty: z.int({ error: 'qty must be an integer from 1 to 1000000' }).min(1, { error: 'qty must be an integer from 1 to 1000000' }).max(1_000_000, { error: 'qty must be an integer from 1 to 1000000' }),
    },
    { error: 'must be an object {"board","window","rank","rewardId","item","qty"}' },
  )
  .refine((p) => p.rankTo === undefined || p.rankTo >= p.rank, { error: 'rankTo must not be below rank' });

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  return issue.message;
}

/**
 * Reads LEADERBOARD_PRIZES. Each prize must name a declared board and one of its windows; the
 * boards are read here from LEADERBOARDS with a scratch reader (whose problems the main reader
 * reports itself), so this stays one self-contained call in settings.ts.
 */
export function readLeaderboardPrizes(reader: SettingsReader): readonly LeaderboardPrize[] {
  const text = reader.value(SETTING);
  if (text === undefined) return deepFreeze([]);
  const json = readJsonSetting(reader, SETTING, '[{"board","window","rank","rewardId","item","qty"},…]');
  if (json?.ok !== true) return [];
  const parsed = json.value;
  if (!Array.isArray(parsed)) {
    reader.problem(SETTING, 'must be a JSON array of prizes');
    return [];
  }
  const boardsReader = createSettingsReader({ LEADERBOARDS: reader.value('LEADERBOARDS') });
  const boards = readLeaderboards(boardsReader);
  const windowsOf = boardsReader.problems.length === 0 ? new Map(boards.map((b) => [b.id, b.windows])) : undefined;
  const prizes: LeaderboardPrize[] = [];
  parsed.forEach((candidate: unknown, index) => {
    const name = `prize #${index + 1}`;
    const result = prizeSchema.safeParse(candidate);
    if (!result.success) {
      for (const rule of new Set(result.error.issues.map(describeIssue))) reader.problem(SETTING, `${name}: ${rule}`);
      return;
    }
    const prize: LeaderboardPrize = { ...result.data, rankTo: result.data.rankTo ?? result.data.rank };
    const windows = windowsOf?.get(prize.board);
    if (windowsOf !== undefined && windows === undefined) {
      reader.problem(SETTING, `${name}: board must be one of the LEADERBOARDS ids (${[...windowsOf.keys()].join(', ')})`);
      return;
    }
    if (windows !== undefined && !windows.includes(prize.window)) {
      reader.problem(SETTING, `${name}: board '${prize.board}' has no ${prize.window} window (it has ${windows.join(', ')})`);
      return;
    }
    // Grants are deduplicated by board, window, period, rank and rewardId: two prizes that share
    // all of those for some rank would silently pay only one of them.
    const clash = prizes.find((p) => p.board === prize.board && p.window === prize.window && p.rewardId === prize.rewardId && p.rank <= prize.rankTo && prize.rank <= p.rankTo);
    if (clash !== undefined) {
      reader.problem(SETTING, `${name}: overlaps the ranks of another '${prize.rewardId}' prize on ${prize.board}/${prize.window}; use another rewardId or disjoint ranks`);
      return;
    }
    prizes.push(prize);
  });
  return deepFreeze(prizes);
}
