import { createHash } from 'node:crypto';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlayerTokens, type ExternalKeys } from '../../../src/core/auth/player-tokens.js';
import { KeyRing } from '../../../src/core/config/key-ring.js';
import { signingKey, idpToken } from '../../support/auth.js';

/** 2026-12-05T12:00:00Z, the pinned "now" of these tests. */
const NOW_MS = Date.UTC(2026, 11, 5, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const SECRET_1 = 'player-token-key-one-0123456789abcdef0123';
const SECRET_2 = 'player-token-key-two-0123456789abcdef0123';
const ring = new KeyRing({ t1: SECRET_1, t2: SECRET_2 });
const own = (activeKid = 't1') => ({ keys: ring, activeKid, ttlS: 3600 });

function hs256(options: { secret?: string; kid?: string; claims?: Record<string, unknown>; iss?: string; aud?: string; iat?: number; exp?: number; nbf?: number }): Promise<string> {
  let jwt = new SignJWT({ sub: 'alice', ...options.claims })
    .setProtectedHeader({ alg: 'HS256', kid: options.kid ?? 't1' })
    .setIssuer(options.iss ?? 'liveops')
    .setAudience(options.aud ?? 'liveops')
    .setIssuedAt(options.iat ?? NOW_S)
    .setExpirationTime(options.exp ?? NOW_S + 600);
  if (options.nbf !== undefined) jwt = jwt.setNotBefore(options.nbf);
  return jwt.sign(Buffer.from(options.secret ?? SECRET_1));
}

describe('our own player tokens (HS256, PLAYER_TOKEN_KEYS)', () => {
  const tokens = new PlayerTokens({ own: own() });

  it('mints a token that verifies for its player until its expiry', async () => {
    const minted = await tokens.mint({ playerId: 'alice', nowMs: NOW_MS });
    expect(minted.expiresAtMs).toBe(NOW_MS + 3600_000);
    expect(await tokens.verify(minted.token, NOW_MS + 1000)).toEqual({ state: 'valid', playerId: 'alice' });
    expect(await tokens.verify(minted.token, minted.expiresAtMs + 1)).toEqual({ state: 'invalid', reason: 'expired' });
  });

  it('a requested ttlS may shorten the lifetime, never lengthen it', async () => {
    expect((await tokens.mint({ playerId: 'alice', ttlS: 120, nowMs: NOW_MS })).expiresAtMs).toBe(NOW_MS + 120_000);
    expect((await tokens.mint({ playerId: 'alice', ttlS: 999_999, nowMs: NOW_MS })).expiresAtMs).toBe(NOW_MS + 3600_000);
  });

  it('rotates: tokens of a retired-but-listed kid still verify, new ones use the active kid', async () => {
    const old = await new PlayerTokens({ own: own('t1') }).mint({ playerId: 'alice', nowMs: NOW_MS });
    const rotated = new PlayerTokens({ own: own('t2') });
    const fresh = await rotated.mint({ playerId: 'alice', nowMs: NOW_MS });
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(fresh.token.split('.')[0] ?? '')))).toMatchObject({ alg: 'HS256', kid: 't2' });
    expect(await rotated.verify(old.token, NOW_MS)).toEqual({ state: 'valid', playerId: 'alice' });
  });

  const refusals: readonly (readonly [string, () => Promise<string>, string])[] = [
    ['expired', () => hs256({ exp: NOW_S - 1 }), 'expired'],
    ['not yet valid', () => hs256({ nbf: NOW_S + 60 }), 'not-yet-valid'],
    ['for another audience', () => hs256({ aud: 'other-game' }), 'audience'],
    ['from another issuer', () => hs256({ iss: 'someone-else' }), 'issuer'],
    ['signed with an unknown kid', () => hs256({ kid: 't9' }), 'unknown-key'],
    ['signed with the wrong secret', () => hs256({ secret: 'not-the-key-but-long-enough-0123456789' }), 'signature'],
    ['unsigned (alg: none)', () => Promise.resolve(new UnsecuredJWT({ sub: 'alice', aud: 'liveops', iss: 'liveops', exp: NOW_S + 600 }).encode()), 'algorithm'],
    ['without a valid player id', () => hs256({ claims: { sub: 'a b' } }), 'claims'],
    ['not a JWT', () => Promise.resolve('not-a-jwt'), 'malformed'],
    ['far too long', () => Promise.resolve('a'.repeat(9000)), 'malformed'],
  ];
  for (const [what, make, reason] of refusals) {
    it(`refuses a token ${what} (${reason})`, async () => {
      expect(await tokens.verify(await make(), NOW_MS)).toEqual({ state: 'invalid', reason });
    });
  }

  it('refuses RS256 and ES256 tokens when no identity provider is configured', async () => {
    const key = await signingKey('idp-1', 'ES256');
    expect(await tokens.verify(await idpToken(key, { nowS: NOW_S }), NOW_MS)).toEqual({ state: 'invalid', reason: 'algorithm' });
  });

  it('caches a verified token until its exp, and only then', async () => {
    const minted = await tokens.mint({ playerId: 'bob', ttlS: 60, nowMs: NOW_MS });
    expect((await tokens.verify(minted.token, NOW_MS)).state).toBe('valid');
    expect((await tokens.verify(minted.token, NOW_MS + 59_999)).state).toBe('valid');
    expect(await tokens.verify(minted.token, NOW_MS + 60_000)).toEqual({ state: 'invalid', reason: 'expired' });
  });
});

describe('the studio identity provider (RS256 / ES256 via ExternalKeys)', () => {
  const external = async () => {
    const rsa = await signingKey('rsa-1', 'RS256');
    const ec = await signingKey('ec-1', 'ES256');
    const byKid = new Map([
      [rsa.kid, rsa],
      [ec.kid, ec],
    ]);
    let lookups = 0;
    const keys: ExternalKeys = {
      key: async ({ kid, alg }) => {
        lookups += 1;
        const found = kid === undefined ? undefined : byKid.get(kid);
        if (found === undefined || found.alg !== alg) return undefined;
        const { importJWK } = await import('jose');
        return importJWK(found.publicJwk, alg);
      },
    };
    const tokens = new PlayerTokens({ own: own(), external: { keys, issuer: 'https://idp.example.test', audience: 'liveops', playerClaim: 'player_id' } });
    return { rsa, ec, tokens, lookups: () => lookups };
  };

  it('accepts RS256 and ES256 tokens and reads the player from PLAYER_TOKEN_PLAYER_CLAIM', async () => {
    const { rsa, ec, tokens } = await external();
    for (const key of [rsa, ec]) {
      expect(await tokens.verify(await idpToken(key, { nowS: NOW_S, claims: { player_id: 'carol' } }), NOW_MS)).toEqual({ state: 'valid', playerId: 'carol' });
    }
    // `sub` is not the player claim here: a token without player_id names no player.
    expect(await tokens.verify(await idpToken(rsa, { nowS: NOW_S }), NOW_MS)).toEqual({ state: 'invalid', reason: 'claims' });
  });

  it('checks issuer, audience, expiry and kid', async () => {
    const { rsa, tokens } = await external();
    const claims = { player_id: 'carol' };
    expect((await tokens.verify(await idpToken(rsa, { nowS: NOW_S, claims, issuer: 'https://evil.example.test' }), NOW_MS))).toEqual({ state: 'invalid', reason: 'issuer' });
    expect((await tokens.verify(await idpToken(rsa, { nowS: NOW_S, claims, audience: 'other' }), NOW_MS))).toEqual({ state: 'invalid', reason: 'audience' });
    expect((await tokens.verify(await idpToken(rsa, { nowS: NOW_S - 7200, claims, expS: NOW_S - 60 }), NOW_MS))).toEqual({ state: 'invalid', reason: 'expired' });
    expect((await tokens.verify(await idpToken(rsa, { nowS: NOW_S, claims, kid: 'rsa-9' }), NOW_MS))).toEqual({ state: 'invalid', reason: 'unknown-key' });
  });

  it('refuses HS/RS confusion: an HS256 token keyed with the IdP public key', async () => {
    const { rsa, tokens } = await external();
    // The attacker knows the public key (it is published) and uses it as an HMAC secret.
    const publicAsSecret = Buffer.from(JSON.stringify(rsa.publicJwk));
    const forged = await new SignJWT({ sub: 'carol', player_id: 'carol' })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .setIssuer('https://idp.example.test')
      .setAudience('liveops')
      .setExpirationTime(NOW_S + 600)
      .sign(publicAsSecret);
    expect(await tokens.verify(forged, NOW_MS)).toEqual({ state: 'invalid', reason: 'unknown-key' });
    const idpOnly = new PlayerTokens({ external: { keys: { key: () => Promise.reject(new Error('never asked')) }, issuer: 'x', audience: 'liveops', playerClaim: 'sub' } });
    expect(await idpOnly.verify(forged, NOW_MS)).toEqual({ state: 'invalid', reason: 'algorithm' });
  });

  it('refuses an ES256 header on an RS256 key (alg must match the key)', async () => {
    const { rsa, tokens } = await external();
    const good = await idpToken(rsa, { nowS: NOW_S, claims: { player_id: 'carol' } });
    const [, payload, signature] = good.split('.');
    const swapped = `${base64url.encode(JSON.stringify({ alg: 'ES256', kid: rsa.kid }))}.${payload ?? ''}.${signature ?? ''}`;
    expect((await tokens.verify(swapped, NOW_MS)).state).toBe('invalid');
  });

  it('asks for the key once per token: later requests hit the verified-token cache', async () => {
    const { ec, tokens, lookups } = await external();
    const token = await idpToken(ec, { nowS: NOW_S, claims: { player_id: 'carol' } });
    for (let i = 0; i < 5; i += 1) expect((await tokens.verify(token, NOW_MS + i)).state).toBe('valid');
    expect(lookups()).toBe(1);
  });
});

describe('no mutation of a valid token is accepted for another player (property)', () => {
  const tokens = new PlayerTokens({ own: own() });
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

  it('flipping, inserting or deleting characters never yields a different valid player', async () => {
    const { token } = await tokens.mint({ playerId: 'alice', nowMs: NOW_MS });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...Array.from(ALPHABET)), fc.constantFrom('flip', 'insert', 'delete'), async (at, char, how) => {
        const mutated = how === 'flip' ? token.slice(0, at) + char + token.slice(at + 1) : how === 'insert' ? token.slice(0, at) + char + token.slice(at) : token.slice(0, at) + token.slice(at + 1);
        const verdict = await tokens.verify(mutated, NOW_MS);
        expect(verdict.state === 'invalid' || verdict.playerId === 'alice').toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('re-encoding the payload for another player (same signature) is refused', async () => {
    const { token } = await tokens.mint({ playerId: 'alice', nowMs: NOW_MS });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_-]{3,64}$/).filter((p) => p !== 'alice'), async (other) => {
        const forged = `${header ?? ''}.${base64url.encode(JSON.stringify({ ...claims, sub: other }))}.${signature ?? ''}`;
        expect(await tokens.verify(forged, NOW_MS)).toEqual({ state: 'invalid', reason: 'signature' });
      }),
      { numRuns: 200 },
    );
  });

  it('the cache is keyed by the whole token: a hash of it, not its claims', async () => {
    const { token } = await tokens.mint({ playerId: 'alice', nowMs: NOW_MS });
    await tokens.verify(token, NOW_MS);
    // Same header and payload, another signature: a cache keyed on claims would let this in.
    const [header, payload] = token.split('.');
    const forged = `${header ?? ''}.${payload ?? ''}.${base64url.encode(createHash('sha256').update('x').digest())}`;
    expect(await tokens.verify(forged, NOW_MS)).toEqual({ state: 'invalid', reason: 'signature' });
  });
});
