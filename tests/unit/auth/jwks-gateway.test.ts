import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { clientRequest, idpToken, signingKey, startJwksServer, type JwksServer } from '../../support/auth.js';
import { gatewayHarness, handlerOf, header, newEventBody, NOW_MS } from '../../support/gateway.js';

const ISSUER = 'https://idp.example.test';
let jwks: JwksServer | undefined;
afterEach(async () => {
  await jwks?.close();
  jwks = undefined;
});

/** A gateway that trusts the studio's IdP at a local JWKS server, with a clock the test moves. */
async function setup() {
  const rsa = await signingKey('rsa-1', 'RS256');
  const ec = await signingKey('ec-1', 'ES256');
  jwks = await startJwksServer([rsa.publicJwk, ec.publicJwk]);
  let now = NOW_MS;
  const { app } = gatewayHarness({ PLAYER_TOKEN_JWKS_URL: jwks.url, PLAYER_TOKEN_ISSUER: ISSUER }, () => now);
  const post = handlerOf(postEvent, app);
  const send = async (token: string, playerId = 'alice') =>
    post(clientRequest({ token, tS: Math.floor(now / 1000), body: newEventBody({ type: 'progression', playerId, ts: now - 1000, payload: { deltaXp: 10, activity: 'quest' } }) }));
  return { rsa, ec, server: jwks, send, advance: (ms: number) => { now += ms; }, now: () => now };
}

describe('player tokens from the studio identity provider, through POST /api/events', () => {
  it('accepts RS256 and ES256 tokens and binds them to their player', async () => {
    const { rsa, ec, send } = await setup();
    for (const key of [rsa, ec]) {
      const token = await idpToken(key, { nowS: NOW_MS / 1000, issuer: ISSUER });
      expect((await send(token)).status).toBe(202);
      const foreign = await send(token, 'bob');
      expect(foreign.status).toBe(403);
      expect(foreign.json().type).toBe('urn:liveops:problem:player-mismatch');
    }
  });

  it('reads the JWKS again for an unknown kid (rotation), at most once per cooldown', async () => {
    const { rsa, server, send, advance, now } = await setup();
    expect((await send(await idpToken(rsa, { nowS: now() / 1000, issuer: ISSUER }))).status).toBe(202);
    const hitsAfterFirst = server.hits();
    const next = await signingKey('rsa-2', 'RS256');
    server.setKeys([rsa.publicJwk, next.publicJwk]);
    // Within the cooldown an unknown kid does not make us call the IdP again: a 401, not a fetch per request.
    const early = await send(await idpToken(next, { nowS: now() / 1000, issuer: ISSUER }));
    expect(early.status).toBe(401);
    expect(early.json()).toMatchObject({ type: 'urn:liveops:problem:token-invalid', reason: 'unknown-key' });
    expect(server.hits()).toBe(hitsAfterFirst);
    advance(31_000);
    expect((await send(await idpToken(next, { nowS: now() / 1000, issuer: ISSUER }))).status).toBe(202);
    expect(server.hits()).toBe(hitsAfterFirst + 1);
  });

  it('JWKS down with the key not cached → 503 with Retry-After; cached keys keep working', async () => {
    const { rsa, ec, server, send, advance, now } = await setup();
    server.setDown(true);
    const refused = await send(await idpToken(rsa, { nowS: now() / 1000, issuer: ISSUER }));
    expect(refused.status).toBe(503);
    expect(Number(header(refused, 'retry-after'))).toBeGreaterThan(0);
    // Within the cooldown the outage is answered from memory, without calling the IdP again.
    const hits = server.hits();
    expect((await send(await idpToken(ec, { nowS: now() / 1000, issuer: ISSUER }))).status).toBe(503);
    expect(server.hits()).toBe(hits);

    server.setDown(false);
    advance(31_000);
    expect((await send(await idpToken(rsa, { nowS: now() / 1000, issuer: ISSUER }))).status).toBe(202);
    server.setDown(true);
    // Much later, the key set is stale and its refresh fails: the cached keys still serve.
    advance(11 * 60_000);
    const token = await idpToken(ec, { nowS: now() / 1000, issuer: ISSUER, claims: { jti: randomUUID() } });
    expect((await send(token)).status).toBe(202);
  });

  it('refuses a token from another issuer even when signed by a JWKS key', async () => {
    const { ec, send, now } = await setup();
    const res = await send(await idpToken(ec, { nowS: now() / 1000, issuer: 'https://evil.example.test' }));
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ type: 'urn:liveops:problem:token-invalid', reason: 'issuer' });
  });
});
