import { z } from 'zod';
import { counter } from '../../adapters/metrics/metrics.js';
import { problems } from '../../core/errors/errors.js';
import { PLAYER_ID } from '../../core/ingestion/envelope.js';
import { signedRoute } from '../admin/admin-route.js';
import { httpFunction, json } from '../http/http-function.js';

const MIN_TTL_S = 60;

/** The body's schema; the longest ttlS is PLAYER_TOKEN_TTL_S, so it is built from the settings. */
function sessionBody(maxTtlS: number) {
  return z.strictObject({
    playerId: z.string().regex(PLAYER_ID, { error: `playerId must match ${PLAYER_ID.source}` }),
    ttlS: z.int().min(MIN_TTL_S, { error: `ttlS must be from ${MIN_TTL_S} to ${maxTtlS}` }).max(maxTtlS, { error: `ttlS must be from ${MIN_TTL_S} to ${maxTtlS} (PLAYER_TOKEN_TTL_S)` }).optional(),
  });
}

const SESSION_RESULT = z.object({ token: z.string(), playerId: z.string(), expiresAt: z.iso.datetime() });

/**
 * `POST /api/sessions` (server key only, DESIGN §2a): the game server, having authenticated its
 * player its own way, mints the token that game client then sends with its client-key requests.
 */
export const postSession = httpFunction({
  name: 'postSession',
  route: 'sessions',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Mint a player session token (server keys only)',
    tags: ['auth'],
    auth: 'server-only',
    requestBody: (settings) => sessionBody(settings.playerTokens.own?.ttlS ?? MIN_TTL_S),
    responses: {
      201: { description: 'The token, HS256, `aud` liveops, for `Authorization: Bearer`', schema: () => SESSION_RESULT },
      400: { description: 'Invalid request (`errors`)' },
      401: { description: 'Signature missing or invalid' },
      403: { description: 'Not a server key (`forbidden-key`)' },
      404: { description: 'Minting is off: player tokens come from the studio identity provider only' },
      503: { description: 'A dependency is down (Retry-After)' },
    },
  },
  build: (app) => {
    const { playerTokens } = app;
    const minted = counter(app.metrics, { name: 'liveops_player_tokens_minted_total', help: 'Player session tokens minted by POST /api/sessions', labelNames: [] });
    return signedRoute({
      access: 'server-only',
      body: sessionBody(Math.max(playerTokens.maxTtlS, MIN_TTL_S)),
      handle: async ({ body, actor, logger }) => {
        if (!playerTokens.canMint) throw problems.notFound('POST /api/sessions is off: PLAYER_TOKEN_KEYS is not set, so player tokens come from PLAYER_TOKEN_JWKS_URL');
        const token = await playerTokens.mint({ playerId: body.playerId, ...(body.ttlS === undefined ? {} : { ttlS: body.ttlS }), nowMs: app.now() });
        minted.inc();
        logger.debug('player session minted', { playerId: body.playerId, kid: actor.kind === 'server' ? actor.kid : undefined });
        return json(201, { token: token.token, playerId: token.playerId, expiresAt: new Date(token.expiresAtMs).toISOString() });
      },
    })(app);
  },
});
