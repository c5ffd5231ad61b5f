import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKEN_KEY, parseSettings } from '../../../src/core/config/settings.js';
import { problemsOf } from './problems.js';

const KEY_A = 'a-very-secret-signing-key-0123456789abcdef';
const KEY_B = 'another-secret-signing-key-0123456789abcdef';
const ring = (keys: Record<string, unknown>): string => JSON.stringify(keys);
const production = {
  BUS_KIND: 'servicebus',
  SERVICEBUS_NAMESPACE: 'liveops.servicebus.windows.net',
  HMAC_KEYS: ring({ server: KEY_A, client: KEY_B }),
  RECEIPT_KEYS: ring({ r1: KEY_B }),
};

describe('SERVER_KEY_IDS', () => {
  it('names server kids of HMAC_KEYS; a configured ring has none by default, so every key is a client key', () => {
    expect(parseSettings({ HMAC_KEYS: ring({ server: KEY_A }) }).signing.serverKeyIds).toEqual([]);
    expect(parseSettings({ HMAC_KEYS: ring({ server: KEY_A, client: KEY_B }), SERVER_KEY_IDS: ' server , server' }).signing.serverKeyIds).toEqual(['server']);
    expect(problemsOf({ HMAC_KEYS: ring({ server: KEY_A }), SERVER_KEY_IDS: 'nobody,bad id' })).toEqual([
      "SERVER_KEY_IDS: 'nobody' is not a kid in HMAC_KEYS",
      'SERVER_KEY_IDS: entry #2 is not a valid key id (^[A-Za-z0-9._-]{1,64}$)',
    ]);
  });
});

describe('PLAYER_TOKEN_* and CLIENT_EVENT_TYPES', () => {
  it('reads our token ring with rotation and a bounded lifetime', () => {
    const settings = parseSettings({ ...production, PLAYER_TOKEN_KEYS: ring({ t1: KEY_A, t2: KEY_B }), PLAYER_TOKEN_ACTIVE_KID: 't2', PLAYER_TOKEN_TTL_S: '600' });
    expect(settings.playerTokens.own).toMatchObject({ activeKid: 't2', ttlS: 600, keysSource: 'configured' });
    expect(JSON.stringify(settings)).not.toContain(KEY_A);
    expect(problemsOf({ PLAYER_TOKEN_KEYS: ring({ t1: KEY_A, t2: KEY_B }) })).toEqual(['PLAYER_TOKEN_ACTIVE_KID: required when PLAYER_TOKEN_KEYS holds more than one key']);
    expect(problemsOf({ PLAYER_TOKEN_KEYS: ring({ t1: 'short' }) })).toEqual(["PLAYER_TOKEN_KEYS: key 't1' is 5 bytes; at least 32 required"]);
    expect(problemsOf({ PLAYER_TOKEN_TTL_S: '10' })).toEqual(['PLAYER_TOKEN_TTL_S: must be an integer from 60 to 604800']);
  });

  it('refuses the published token key in a deployment', () => {
    expect(problemsOf(production)).toEqual(['PLAYER_TOKEN_KEYS: the published development key is refused when BUS_KIND=servicebus']);
    expect(problemsOf({ ...production, PLAYER_TOKEN_KEYS: ring({ t: DEVELOPMENT_TOKEN_KEY }) })).toEqual([
      'PLAYER_TOKEN_KEYS: the published development key is refused when BUS_KIND=servicebus',
    ]);
  });

  it("with the studio's IdP and no ring of our own, a deployment mints no tokens", () => {
    const settings = parseSettings({ ...production, PLAYER_TOKEN_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', PLAYER_TOKEN_ISSUER: 'https://idp.example.com/' });
    expect(settings.playerTokens.own).toBeUndefined();
    expect(settings.playerTokens.external).toEqual({ jwksUrl: 'https://idp.example.com/.well-known/jwks.json', issuer: 'https://idp.example.com/', audience: 'liveops', playerClaim: 'sub' });
  });

  it('checks the IdP settings together', () => {
    expect(problemsOf({ PLAYER_TOKEN_JWKS_URL: 'https://idp.example.com/jwks' })).toEqual([
      'PLAYER_TOKEN_ISSUER: required with PLAYER_TOKEN_JWKS_URL: a token is only accepted from the issuer you name',
    ]);
    expect(problemsOf({ PLAYER_TOKEN_JWKS_URL: 'ftp://idp', PLAYER_TOKEN_ISSUER: 'x' })).toEqual(['PLAYER_TOKEN_JWKS_URL: must be an http(s) URL of a JWKS document']);
    expect(problemsOf({ PLAYER_TOKEN_AUDIENCE: 'game' })).toEqual(['PLAYER_TOKEN_AUDIENCE: only means something with PLAYER_TOKEN_JWKS_URL']);
    const custom = parseSettings({ PLAYER_TOKEN_JWKS_URL: 'http://127.0.0.1:9/jwks', PLAYER_TOKEN_ISSUER: 'i', PLAYER_TOKEN_AUDIENCE: 'game', PLAYER_TOKEN_PLAYER_CLAIM: 'player_id' });
    expect(custom.playerTokens.external).toMatchObject({ audience: 'game', playerClaim: 'player_id' });
    // Locally the dev ring stays on beside the IdP, so `npm start` can still mint.
    expect(custom.playerTokens.own?.keysSource).toBe('development');
  });

  it('CLIENT_EVENT_TYPES lists known event types only', () => {
    expect(parseSettings({ CLIENT_EVENT_TYPES: 'progression, match_end' }).playerTokens.clientEventTypes).toEqual(['progression', 'match_end']);
    expect(problemsOf({ CLIENT_EVENT_TYPES: 'progression,teleport' })).toEqual(['CLIENT_EVENT_TYPES: entry #2 is not an event type (progression, boss_kill, drop_claimed, match_end)']);
  });
});
