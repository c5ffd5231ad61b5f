import { z } from 'zod';
import { EVENT_TYPES, scoreFieldBounds } from '../ingestion/envelope.js';
import { maxScore } from '../leaderboard/encoding.js';
import type { LeaderboardDefinition, LeaderboardWindow, PayloadMax } from './types.js';
import type { SettingsReader } from './settings-reader.js';
import { readJsonSetting } from './settings-reader.js';
import { deepFreeze } from './deep-freeze.js';

const WINDOWS = ['daily', 'weekly', 'seasonal', 'alltime'] as const satisfies readonly LeaderboardWindow[];
const BOARD_ID = /^[a-z0-9_]{1,32}$/;

/** DESIGN §6: the boards a deployment gets when LEADERBOARDS is unset. */
export const DEFAULT_LEADERBOARDS: readonly LeaderboardDefinition[] = deepFreeze([
  { id: 'points', source: { type: 'boss_kill', field: 'points' }, operator: 'incr', order: 'desc', windows: [...WINDOWS] },
  { id: 'xp', source: { type: 'progression', field: 'deltaXp' }, operator: 'incr', order: 'desc', windows: [...WINDOWS] },
  { id: 'best_match', source: { type: 'match_end', field: 'score' }, operator: 'best', order: 'desc', windows: [...WINDOWS] },
]);

/** Messages for a missing field and for a field of the wrong kind. */
function fieldError(field: string, rule: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} ${rule}`) };
}

const boardSchema = z.strictObject(
  {
    id: z.string(fieldError('id', 'must be a string')).regex(BOARD_ID, { error: `id must match ${BOARD_ID.source}` }),
    source: z.strictObject(
      {
        type: z.string(fieldError('source.type', 'must be a string')).regex(/^[a-z][a-z0-9_]{0,63}$/, {
          error: 'source.type must be an event type such as boss_kill',
        }),
        field: z.string(fieldError('source.field', 'must be a string')).regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, {
          error: 'source.field must be a payload field name such as points',
        }),
      },
      fieldError('source', 'must be an object {"type","field"}'),
    ),
    operator: z.enum(['incr', 'best', 'set'], fieldError('operator', 'must be one of incr, best, set')),
    order: z.enum(['desc', 'asc'], fieldError('order', 'must be desc or asc')),
    windows: z
      .array(z.enum(WINDOWS, { error: `windows may contain only ${WINDOWS.join(', ')}` }), fieldError('windows', 'must be an array'))
      .min(1, { error: 'windows must not be empty' })
      .refine((windows) => new Set(windows).size === windows.length, { error: 'windows must not contain duplicates' }),
  },
  { error: 'must be an object' },
);

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
}

/** A board is named by its id when that id is well-formed, else by its position. */
function boardName(candidate: unknown, index: number): string {
  if (typeof candidate === 'object' && candidate !== null && 'id' in candidate) {
    const { id } = candidate;
    if (typeof id === 'string' && BOARD_ID.test(id)) return `'${id}'`;
  }
  return `#${index + 1}`;
}

export function readLeaderboards(reader: SettingsReader): readonly LeaderboardDefinition[] {
  const setting = 'LEADERBOARDS';
  const text = reader.value(setting);
  if (text === undefined) return DEFAULT_LEADERBOARDS;
  const json = readJsonSetting(reader, setting, '[{"id","source","operator","order","windows"},…]');
  if (json?.ok !== true) return [];
  const parsed = json.value;
  if (!Array.isArray(parsed) || parsed.length === 0) {
    reader.problem(setting, 'must be a non-empty JSON array of board definitions');
    return [];
  }
  const boards: LeaderboardDefinition[] = [];
  const seen = new Set<string>();
  parsed.forEach((candidate: unknown, index) => {
    const name = boardName(candidate, index);
    const result = boardSchema.safeParse(candidate);
    if (!result.success) {
      for (const rule of new Set(result.error.issues.map(describeIssue))) reader.problem(setting, `board ${name}: ${rule}`);
      return;
    }
    if (seen.has(result.data.id)) {
      reader.problem(setting, `board ${name}: id is declared more than once`);
      return;
    }
    seen.add(result.data.id);
    boards.push(result.data);
  });
  return boards;
}

function isEventType(type: string): type is (typeof EVENT_TYPES)[number] {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * What the board schema alone cannot see: that a board's source is an integer payload field of a
 * real event type (a typo would start cleanly and never score), and that no single accepted value
 * can exceed the largest score its windows encode (docs/leaderboards.md, Ties): the gateway then
 * refuses out-of-range values with a 422 before they reach a board. PAYLOAD_MAX is the bound.
 */
export function checkBoardSources(options: { readonly reader: SettingsReader; readonly boards: readonly LeaderboardDefinition[]; readonly payloadMax: PayloadMax }): void {
  const { reader, boards } = options;
  const bounds = scoreFieldBounds(options.payloadMax);
  for (const board of boards) {
    const { type, field } = board.source;
    if (!isEventType(type)) {
      reader.problem('LEADERBOARDS', `board '${board.id}': source.type '${type}' is not an event type (one of ${EVENT_TYPES.join(', ')})`);
      continue;
    }
    const fields = bounds[type];
    const bound = fields[field];
    if (bound === undefined) {
      const known = Object.keys(fields);
      reader.problem('LEADERBOARDS', `board '${board.id}': source.field '${field}' is not an integer field of ${type} (${known.length === 0 ? `${type} has none` : `one of ${known.join(', ')}`})`);
      continue;
    }
    const tightest = board.windows.reduce((low, window) => (maxScore(window) < maxScore(low) ? window : low));
    if (bound > maxScore(tightest)) {
      reader.problem(
        'PAYLOAD_MAX',
        `'${type}.${field}' allows ${bound}, above the largest score board '${board.id}' can rank on its ${tightest} window (${maxScore(tightest)}); lower it to at most that`,
      );
    }
  }
}
