import { HttpRequest } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { adminBlockPlayer, adminPlayerFairness } from '../../../src/functions/admin/fairness-admin.js';
import { idpToken, signingKey, startJwksServer, type JwksServer } from '../../support/auth.js';
import { gatewayHarness, handlerOf, NOW_MS } from '../../support/gateway.js';
import { problemsOf } from '../config/problems.js';

// Issue #18 item 2: staff sign in with the studio's identity provider, a role claim saying admin
// or viewer, through the same JWKS as the players' tokens but the console's own audience.
const ISSUER = 'https://idp.example.test';
let jwks: JwksServer | undefined;
afterEach(async () => {
  await jwks?.close();
  jwks = undefined;
});

async function setup() {
  const key = await signingKey('rsa-1', 'RS256');
  jwks = await startJwksServer([key.publicJwk]);
  const { app } = gatewayHarness({ PLAYER_TOKEN_JWKS_URL: jwks.url, PLAYER_TOKEN_ISSUER: ISSUER, STAFF_TOKEN_AUDIENCE: 'liveops-console' });
  const staff = (claims: Record<string, unknown>, audience = 'liveops-console') => idpToken(key, { nowS: NOW_MS / 1000, issuer: ISSUER, audience, claims });
  return { app, staff };
}

function bearer(token: string, options: { readonly method: 'GET' | 'POST'; readonly action?: string; readonly body?: unknown }): HttpRequest {
  const path = `/api/admin/players/player_42/${options.action ?? 'fairness'}`;
  return new HttpRequest({
    method: options.method,
    url: `http://localhost:7071${path}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': 'idp-1' },
    params: { playerId: 'player_42' },
    ...(options.method === 'GET' ? {} : { body: { string: JSON.stringify(options.body) } }),
  });
}

describe('staff tokens from the studio identity provider', () => {
  it('an admin role acts and is audited as idp:<email>; a viewer role reads and is refused an action', async () => {
    const { app, staff } = await setup();
    const admin = await staff({ email: 'alice@studio.test', liveops_role: ['support', 'admin'] });
    const block = handlerOf(adminBlockPlayer, app);
    expect((await block(bearer(admin, { method: 'POST', action: 'block', body: { seconds: 60, reason: 'review' } }))).status).toBe(200);
    const read = await handlerOf(adminPlayerFairness, app)(bearer(admin, { method: 'GET' }));
    expect(read.json()).toMatchObject({ sanctions: [{ kind: 'admin-block', by: 'idp:alice@studio.test' }] });
    const viewer = await staff({ email: 'cm@studio.test', liveops_role: 'viewer' });
    expect((await handlerOf(adminPlayerFairness, app)(bearer(viewer, { method: 'GET' }))).status).toBe(200);
    expect((await block(bearer(viewer, { method: 'POST', action: 'block', body: { seconds: 60, reason: 'x' } }))).json()).toMatchObject({ status: 403, type: 'urn:liveops:problem:forbidden-role' });
  });

  it("refuses a player's token (their audience), a token without a role, and one without a name", async () => {
    const { app, staff } = await setup();
    const read = handlerOf(adminPlayerFairness, app);
    const player = await staff({ email: 'mallory@example.test', liveops_role: 'admin' }, 'liveops');
    expect((await read(bearer(player, { method: 'GET' }))).json()).toMatchObject({ status: 401, reason: 'audience' });
    expect((await read(bearer(await staff({ email: 'a@studio.test' }), { method: 'GET' }))).json()).toMatchObject({ status: 401, reason: 'claims' });
    expect((await read(bearer(await staff({ liveops_role: 'admin' }), { method: 'GET' }))).json()).toMatchObject({ status: 401, reason: 'claims' });
  });

  it('settings: needs the players’ JWKS, and an audience of its own', () => {
    expect(problemsOf({ STAFF_TOKEN_AUDIENCE: 'liveops-console' })).toContain('STAFF_TOKEN_AUDIENCE: needs PLAYER_TOKEN_JWKS_URL and PLAYER_TOKEN_ISSUER: staff tokens come from the same identity provider');
    expect(problemsOf({ PLAYER_TOKEN_JWKS_URL: 'https://idp.example.test/jwks', PLAYER_TOKEN_ISSUER: ISSUER, STAFF_TOKEN_AUDIENCE: 'liveops' })).toContain('STAFF_TOKEN_AUDIENCE: must differ from PLAYER_TOKEN_AUDIENCE, or every player token would open the admin routes');
    expect(problemsOf({ STAFF_TOKEN_ROLE_CLAIM: 'roles' })).toEqual(['STAFF_TOKEN_ROLE_CLAIM: only means something with STAFF_TOKEN_AUDIENCE']);
  });
});
