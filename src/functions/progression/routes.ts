import { z } from 'zod';
import { counter } from '../../adapters/metrics/metrics.js';
import type { AppContext } from '../../app/app-context.js';
import { problems } from '../../core/errors/errors.js';
import { PLAYER_ID, seasonError } from '../../core/ingestion/envelope.js';
import { adminRoute, signedRoute } from '../admin/admin-route.js';
import { mayAct } from '../../core/auth/access.js';
import { toRefusalError } from '../../core/auth/refusals.js';
import { identifyCaller } from '../auth/identify-caller.js';
import { parseJson, readBodyLimited } from '../gateway/request-body.js';
import { httpFunction, json } from '../http/http-function.js';

const seasonQuery = z.object({ season: z.coerce.number().int().min(1).max(1_000_000).optional() });
const claimBody = z.strictObject({ playerId: z.string().regex(PLAYER_ID), rewardId: z.string().min(1).max(64), season: z.int().min(1).max(1_000_000).optional() });
const receiptBody = z.strictObject({ receipt: z.string().min(1).max(8192) });
const EMPTY = new Uint8Array(0);
const AUTH_REFUSALS = {
  401: { description: 'Signature invalid, or a client key without a valid player token (`token-missing`, `token-invalid`)' },
  403: { description: 'Another player\'s token (`player-mismatch`), or a key that may not call this route (`forbidden-key`)' },
} as const;
const REFUSALS = { 400: { description: 'Invalid request (`errors`)' }, 503: { description: 'A dependency is down (Retry-After)' } } as const;

function playerAndSeason(app: AppContext, params: Record<string, string>, query: URLSearchParams): { playerId: string; season: number } {
  const playerId = params.playerId ?? '';
  if (!PLAYER_ID.test(playerId)) throw problems.validation([{ path: 'playerId', message: `playerId must match ${PLAYER_ID.source}` }]);
  const parsed = seasonQuery.safeParse(Object.fromEntries(query.entries()));
  if (!parsed.success) throw problems.validation([{ path: 'query.season', message: 'season must be a positive integer' }]);
  return { playerId, season: parsed.data.season ?? app.settings.leaderboards.seasonId };
}

function counters(app: AppContext) {
  return {
    issued: counter(app.metrics, { name: 'liveops_receipts_issued_total', help: 'Receipts issued (first issue only)', labelNames: ['kind'] }),
    redeemed: counter(app.metrics, { name: 'liveops_receipts_redeemed_total', help: 'Receipts redeemed', labelNames: [] }),
  };
}

/** `GET /api/players/{playerId}/progress[?season=]` through the Redis cache; 404 for an unknown player. */
export const getProgress = httpFunction({
  name: 'getProgress',
  route: 'players/{playerId}/progress',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: { summary: "A player's progress in a season (default: the current one)", tags: ['progression'], query: () => seasonQuery, responses: { 200: { description: '`{playerId, season, xp, level, xpIntoLevel, xpForNextLevel, bossKills, updatedAt}`' }, 404: { description: 'Unknown player' }, ...REFUSALS } },
  handle: async ({ app, request }) => {
    const key = playerAndSeason(app, request.params, request.query);
    const view = await app.progression.progress(key);
    if (view === undefined) throw problems.notFound(`No progress for player ${key.playerId} in season ${key.season}`);
    return json(200, view);
  },
});

/** `GET /api/players/{playerId}/rewards`: claimable and claimed rewards. */
export const getRewards = httpFunction({
  name: 'getRewards',
  route: 'players/{playerId}/rewards',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Claimable and claimed rewards of a player (the player\'s token, or a server signature)',
    tags: ['progression'],
    auth: 'player-read',
    query: () => seasonQuery,
    responses: { 200: { description: '`{playerId, claimable:[{rewardId, item, qty}], claimed:[{rewardId, receiptId, claimedAt}]}`' }, ...AUTH_REFUSALS, ...REFUSALS },
  },
  build: (app) => {
    const identify = identifyCaller({ app, access: 'player-read' });
    return async ({ request }) => {
      const actor = await identify({ request, body: EMPTY, nowMs: app.now() });
      const key = playerAndSeason(app, request.params, request.query);
      const refusal = mayAct({ actor, playerId: key.playerId, clientEventTypes: app.settings.playerTokens.clientEventTypes });
      if (refusal !== undefined) throw toRefusalError(refusal);
      return json(200, { playerId: key.playerId, season: key.season, ...(await app.progression.rewards(key)) });
    };
  },
});

/** `POST /api/rewards/claim` (signed): 201 with a new receipt, 200 with the same one again, 403 when not entitled. */
export const claimReward = httpFunction({
  name: 'claimReward',
  route: 'rewards/claim',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: { summary: 'Claim a reward; the same claim returns the same receipt', tags: ['progression'], auth: 'player-or-server', requestBody: () => claimBody, responses: { 201: { description: '`{receipt, receiptId}`' }, 200: { description: 'The receipt of an earlier identical claim' }, 401: AUTH_REFUSALS[401], 403: { description: 'Not entitled (`not-entitled`), the player is blocked (`player-blocked`, `blockedUntil`), another player\'s token (`player-mismatch`) or a key that may not claim (`forbidden-key`)' }, 404: { description: 'Unknown reward' }, ...REFUSALS } },
  build: (app) => {
    const { issued } = counters(app);
    return signedRoute({
      access: 'player-or-server',
      body: claimBody,
      handle: async ({ app: ctx, body, actor }) => {
        const refusal = mayAct({ actor, playerId: body.playerId, clientEventTypes: ctx.settings.playerTokens.clientEventTypes });
        if (refusal !== undefined) throw toRefusalError(refusal);
        const currentSeason = ctx.settings.leaderboards.seasonId;
        const season = body.season ?? currentSeason;
        const outOfSeason = seasonError({ season, currentSeason, path: 'season' });
        if (outOfSeason !== undefined) throw problems.validation([outOfSeason]);
        const result = await ctx.progression.claim({ playerId: body.playerId, rewardId: body.rewardId, season });
        if (result.created) issued.inc({ kind: 'claim' });
        return json(result.created ? 201 : 200, { receiptId: result.receiptId, receipt: result.receipt });
      },
    })(app);
  },
});

/** `POST /api/receipts/verify`: `{valid, reason?, claims?}`, always 200 for a well-formed request. */
export const verifyReceiptRoute = httpFunction({
  name: 'verifyReceipt',
  route: 'receipts/verify',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: { summary: 'Verify a receipt (malformed, bad_signature, expired, unknown_key, not_issued, revoked)', tags: ['progression'], requestBody: () => receiptBody, responses: { 200: { description: '`{valid, reason?, claims?}`' }, ...REFUSALS } },
  handle: async ({ app, request }) => {
    const parsed = receiptBody.safeParse(parseJson(await readBodyLimited(request, app.settings.limits.maxBodyBytes)));
    if (!parsed.success) throw problems.validation([{ path: 'receipt', message: 'receipt must be a string' }]);
    const verdict = await app.progression.verify(parsed.data.receipt);
    return json(200, verdict.valid ? { valid: true, claims: verdict.claims } : { valid: false, reason: verdict.reason });
  },
});

/** `POST /api/receipts/redeem` (signed): redeems once; the second call is 409. */
export const redeemReceipt = httpFunction({
  name: 'redeemReceipt',
  route: 'receipts/redeem',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: { summary: 'Redeem a receipt exactly once', tags: ['progression'], auth: 'server-only', requestBody: () => receiptBody, responses: { 200: { description: '`{receiptId, redeemed: true}`' }, 401: { description: 'Signature invalid' }, 403: { description: 'Not a server key (`forbidden-key`), or the receipt\'s player is blocked (`player-blocked`, `blockedUntil`)' }, 400: { description: 'Invalid receipt (`receipt-invalid` with `reason`: `revoked`, `expired`, `bad_signature`, …)' }, 404: { description: 'Not issued here (no record, or not the JWS that was issued)' }, 409: { description: 'Already redeemed' }, 503: { description: 'A dependency is down' } } },
  build: (app) => {
    const { redeemed } = counters(app);
    return signedRoute({
      access: 'server-only',
      body: receiptBody,
      handle: async ({ app: ctx, body }) => {
        const { receiptId } = await ctx.progression.redeem(body.receipt);
        redeemed.inc();
        return json(200, { receiptId, redeemed: true });
      },
    })(app);
  },
});

/** `POST /api/admin/receipts/{receiptId}/revoke` (admin): a revoked receipt verifies as `revoked`. */
export const adminRevokeReceipt = httpFunction({
  name: 'adminRevokeReceipt',
  route: 'admin/receipts/{receiptId}/revoke',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: { summary: 'Revoke a receipt', tags: ['admin'], auth: 'admin', responses: { 200: { description: '`{receiptId, revoked: true}`' }, 404: { description: 'No such receipt' }, 401: { description: 'Signature invalid' }, 403: { description: 'Not an admin key' }, 503: { description: 'A dependency is down' } } },
  build: adminRoute({
    handle: async ({ app, request, logger, by }) => {
      const receiptId = request.params.receiptId ?? '';
      if (!(await app.progression.revoke(receiptId))) throw problems.notFound(`No receipt ${receiptId}`);
      logger.info('receipt revoked', { receiptId, by });
      return json(200, { receiptId, revoked: true });
    },
  }),
});

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** `GET /api/admin/players/{playerId}/receipts` (admin or viewer): what was issued, redeemed, revoked. */
export const adminPlayerReceipts = httpFunction({
  name: 'adminPlayerReceipts',
  route: 'admin/players/{playerId}/receipts',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: { summary: "A player's receipts, newest first (claims and leaderboard prizes, every season)", tags: ['admin'], auth: 'admin', responses: { 200: { description: '`{playerId, receipts:[{receiptId, rewardId, grantId, season, item, qty, issuedAt, expiresAt, redeemedAt?, revokedAt?}]}`' }, 400: { description: 'Invalid playerId' }, 401: { description: 'Signature or staff token invalid' }, 403: { description: 'Not an admin key' }, 503: { description: 'MySQL is down' } } },
  build: adminRoute({
    handle: async ({ app, request }) => {
      const playerId = request.params.playerId ?? '';
      if (!PLAYER_ID.test(playerId)) throw problems.validation([{ path: 'playerId', message: `playerId must match ${PLAYER_ID.source}` }]);
      const records = await app.progression.receiptsOf(playerId);
      // Never the JWS itself: a receipt is a bearer credential for its prize.
      const receipts = records.map((r) => ({
        receiptId: r.receiptId,
        rewardId: r.rewardId,
        grantId: r.grantId,
        season: r.season,
        item: r.item,
        qty: r.qty,
        issuedAt: iso(r.issuedAtMs),
        expiresAt: iso(r.expiresAtMs),
        ...(r.redeemedAtMs === undefined ? {} : { redeemedAt: iso(r.redeemedAtMs) }),
        ...(r.revokedAtMs === undefined ? {} : { revokedAt: iso(r.revokedAtMs) }),
      }));
      return json(200, { playerId, receipts });
    },
  }),
});

export const progressionRoutes = [getProgress, getRewards, claimReward, verifyReceiptRoute, redeemReceipt, adminRevokeReceipt, adminPlayerReceipts] as const;
