import type { HttpRequestView } from '../http/request-view.js';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { problems } from '../../core/errors/errors.js';
import { PLAYER_ID } from '../../core/ingestion/envelope.js';
import { LeaderboardQueries, invalid, keyOf, type Target } from '../../core/leaderboard/queries.js';
import { httpFunction, json, jsonBytes, toJsonBytes } from '../http/http-function.js';
import type { HttpResponseInit } from '@azure/functions';

/** Deep pages stay cheap in Redis (ZRANGE by index is O(log n + limit)); the bound only keeps garbage out. */
const MAX_OFFSET = 100_000_000;
/** An integer query parameter whose every refusal states the allowed range. */
const intParam = (options: { readonly name: string; readonly min: number; readonly max: number; readonly fallback: number }) => {
  const error = `${options.name} must be an integer from ${options.min} to ${options.max}`;
  return z.coerce.number({ error }).int({ error }).min(options.min, { error }).max(options.max, { error }).default(options.fallback);
};
const limit = (fallback: number) => intParam({ name: 'limit', min: 1, max: 1000, fallback });
const offset = intParam({ name: 'offset', min: 0, max: MAX_OFFSET, fallback: 0 });
const period = z.string().max(32).default('current').describe("'current' or a period id: 2026-11-25 (daily), 2026-W48 (weekly), S3 (seasonal), alltime");

const topQuery = z.object({ period, limit: limit(100), offset });
const playerQuery = z.object({ period, around: intParam({ name: 'around', min: 0, max: 50, fallback: 0 }).describe('ranks either side of the player to include') });
const historyQuery = z.object({ period: z.string().max(32).describe('a closed period id: 2026-11-25, 2026-W48 or S3'), limit: limit(100), offset });
const compatQuery = z.object({ window: z.enum(['daily', 'weekly', 'seasonal']).default('daily'), limit: limit(10) });

const standing = z.object({ rank: z.int(), playerId: z.string(), score: z.int() });
const names = { board: z.string(), window: z.enum(['daily', 'weekly', 'seasonal', 'alltime']), period: z.string() };
const TOP = z.object({ ...names, total: z.int(), entries: z.array(standing) });
const PLAYER = z.object({ ...names, playerId: z.string(), rank: z.int(), score: z.int(), total: z.int(), neighbors: z.array(standing) });
const HISTORY = z.object({
  ...names,
  closedAt: z.string(),
  players: z.int(),
  total: z.int(),
  entries: z.array(standing),
  prizes: z.object({ state: z.enum(['none', 'pending', 'granted']), awards: z.array(z.object({ rank: z.int(), playerId: z.string(), rewardId: z.string(), item: z.string(), qty: z.int() })) }),
});

const REFUSALS = {
  400: { description: 'Unknown board, window or period, or bad paging (`errors` name the allowed values)' },
  503: { description: 'Redis or MySQL is down (Retry-After)' },
} as const;

/** One query service per AppContext handler; the parts underneath are shared (app.leaderboards). */
function queriesOf(app: AppContext): LeaderboardQueries {
  const { store, archive, calendar } = app.leaderboards;
  return new LeaderboardQueries({ store, archive, calendar, boards: app.settings.leaderboards.boards, seasonId: app.settings.leaderboards.seasonId, prizes: app.settings.leaderboards.prizes });
}

/**
 * A top page as a response: rendered once per LB_CACHE_MS and board page (app.leaderboards.topPages),
 * so the players opening a board together cost one Redis read and one rendering.
 */
function topPageOf(app: AppContext): (options: { readonly target: Target; readonly offset: number; readonly limit: number; readonly nowMs: number }) => Promise<HttpResponseInit> {
  const queries = queriesOf(app);
  const pages = app.leaderboards.topPages;
  return async (options) => {
    const body = await pages.get({ key: keyOf(options.target), offset: options.offset, limit: options.limit, nowMs: options.nowMs, load: async () => toJsonBytes(await queries.top(options)) });
    return jsonBytes(200, body);
  };
}

function parseQuery<S extends z.ZodObject>(schema: S, request: HttpRequestView): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => ({ path: `query.${issue.path.join('.')}`, message: issue.message })));
  return parsed.data;
}

/** `GET /api/leaderboards/{board}/{window}?period=&limit=&offset=`: a page of the board. */
export const getLeaderboard = httpFunction({
  name: 'getLeaderboard',
  route: 'leaderboards/{board}/{window}',
  methods: ['GET'],
  // Reads are public: standings are what every player sees.
  authLevel: 'anonymous',
  docs: {
    summary: 'A page of a leaderboard: ranks from offset+1, with the number of players',
    tags: ['leaderboards'],
    query: () => topQuery,
    responses: { 200: { description: '`{board, window, period, total, entries:[{rank, playerId, score}]}`', schema: () => TOP }, ...REFUSALS },
  },
  build: (app) => {
    const queries = queriesOf(app);
    const topPage = topPageOf(app);
    return async ({ request }) => {
      const query = parseQuery(topQuery, request);
      const nowMs = app.now();
      const target = queries.target({ board: request.params.board ?? '', window: request.params.window ?? '', period: query.period, nowMs });
      return topPage({ target, offset: query.offset, limit: query.limit, nowMs });
    };
  },
});

/** `GET /api/leaderboards/{board}/{window}/players/{playerId}?period=&around=`: a player's rank. */
export const getLeaderboardPlayer = httpFunction({
  name: 'getLeaderboardPlayer',
  route: 'leaderboards/{board}/{window}/players/{playerId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: "A player's rank and score, with the ranks around them",
    tags: ['leaderboards'],
    query: () => playerQuery,
    responses: { 200: { description: '`{rank, score, total, neighbors:[{rank, playerId, score}]}`; neighbors include the player', schema: () => PLAYER }, 404: { description: 'The player is not ranked in this period' }, ...REFUSALS },
  },
  build: (app) => {
    const queries = queriesOf(app);
    return async ({ request }) => {
      const query = parseQuery(playerQuery, request);
      const playerId = request.params.playerId ?? '';
      if (!PLAYER_ID.test(playerId)) throw invalid('playerId', `playerId must match ${PLAYER_ID.source}`);
      const nowMs = app.now();
      const target = queries.target({ board: request.params.board ?? '', window: request.params.window ?? '', period: query.period, nowMs });
      const result = await queries.player({ target, playerId, around: query.around, nowMs });
      if (result === undefined) throw problems.notFound(`${playerId} is not ranked on ${target.board.id} ${target.window} ${target.period.id}`);
      return json(200, result);
    };
  },
});

/** `GET /api/leaderboards/{board}/{window}/history?period=`: the final standings of a closed period. */
export const getLeaderboardHistory = httpFunction({
  name: 'getLeaderboardHistory',
  route: 'leaderboards/{board}/{window}/history',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Final standings of a closed period (the hall of fame), from MySQL',
    tags: ['leaderboards'],
    query: () => historyQuery,
    responses: { 200: { description: '`{closedAt, players, total, entries}`', schema: () => HISTORY }, 404: { description: 'The period is not closed (yet), or has no archive' }, ...REFUSALS },
  },
  build: (app) => {
    const queries = queriesOf(app);
    return async ({ request }) => {
      const query = parseQuery(historyQuery, request);
      const target = queries.target({ board: request.params.board ?? '', window: request.params.window ?? '', period: query.period, nowMs: app.now(), closedOnly: true });
      const result = await queries.history({ target, offset: query.offset, limit: query.limit });
      if (result === undefined) throw problems.notFound(`${target.board.id} ${target.window} ${target.period.id} has no final standings: it is not closed yet, or it closed before archiving began`);
      return json(200, result);
    };
  },
});

/** `GET /api/leaderboard?window=&limit=`: the prototype's route, on the default (first) board. */
export const getLeaderboardCompat = httpFunction({
  name: 'getLeaderboardCompat',
  route: 'leaderboard',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Prototype-compatible top list of the default board (the first in LEADERBOARDS), current period',
    tags: ['leaderboards'],
    query: () => compatQuery,
    responses: { 200: { description: 'As `GET /api/leaderboards/{board}/{window}`', schema: () => TOP }, ...REFUSALS },
  },
  build: (app) => {
    const queries = queriesOf(app);
    const topPage = topPageOf(app);
    return async ({ request }) => {
      const query = parseQuery(compatQuery, request);
      const board = queries.defaultBoard?.id ?? '';
      const nowMs = app.now();
      const target = queries.target({ board, window: query.window, period: 'current', nowMs, windows: ['daily', 'weekly', 'seasonal'] });
      return topPage({ target, offset: 0, limit: query.limit, nowMs });
    };
  },
});

const BOARDS = z.object({
  season: z.int(),
  boards: z.array(z.object({ id: z.string(), source: z.object({ type: z.string(), field: z.string() }), operator: z.string(), order: z.string(), windows: z.array(z.string()) })),
});

/** `GET /api/leaderboards`: the boards this deployment ranks (LEADERBOARDS), for pickers like the console's. */
export const listLeaderboards = httpFunction({
  name: 'listLeaderboards',
  route: 'leaderboards',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: { summary: 'The boards, their source field and windows, and the current season', tags: ['leaderboards'], responses: { 200: { description: '`{season, boards:[{id, source, operator, order, windows}]}`', schema: () => BOARDS } } },
  handle: ({ app }) => {
    const { boards, seasonId } = app.settings.leaderboards;
    return Promise.resolve(json(200, { season: seasonId, boards: boards.map((b) => ({ id: b.id, source: b.source, operator: b.operator, order: b.order, windows: b.windows })) }));
  },
});

export const leaderboardRoutes = [listLeaderboards, getLeaderboard, getLeaderboardPlayer, getLeaderboardHistory, getLeaderboardCompat] as const;
