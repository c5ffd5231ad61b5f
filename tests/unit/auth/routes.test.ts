import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adminPlayerFairness } from '../../../src/functions/admin/fairness-admin.js';
import { postSession } from '../../../src/functions/auth/sessions.js';
import { postEvent, postEventBatch } from '../../../src/functions/gateway/events.js';
import { claimReward, getRewards, redeemReceipt } from '../../../src/functions/progression/routes.js';
import { clientRequest } from '../../support/auth.js';
import { gatewayHarness, handlerOf, header, newEventBody, NOW_MS, signedRequest } from '../../support/gateway.js';
import { HttpRequest } from '@azure/functions';

const OPS_KEY = 'ops-only-admin-key-0123456789abcdef012345';
/** The published ring plus an admin-only key, as an operator's tool would hold. */
const ENV = {
  HMAC_KEYS: JSON.stringify({ dev: 'liveops-dev-key-0000000000000000-not-for-production', 'dev-client': 'liveops-dev-client-key-000000000-not-for-production', ops: OPS_KEY }),
  SERVER_KEY_IDS: 'dev',
  ADMIN_KEY_IDS: 'dev,ops',
};

function setup() {
  const harness = gatewayHarness(ENV);
  const { app } = harness;
  const token = async (playerId: string, ttlS?: number) => (await app.playerTokens.mint({ playerId, nowMs: NOW_MS, ...(ttlS === undefined ? {} : { ttlS }) })).token;
  return { ...harness, token };
}

const progression = (playerId: string) => newEventBody({ type: 'progression', playerId, payload: { deltaXp: 50, activity: 'quest' } });

describe('POST /api/events by key role and token', () => {
  it('a server key acts for any player and sends every event type', async () => {
    const { app, sent } = setup();
    const post = handlerOf(postEvent, app);
    expect((await post(signedRequest({ body: newEventBody({ playerId: 'bob' }) }))).status).toBe(202);
    expect((await post(signedRequest({ body: progression('carol') }))).status).toBe(202);
    expect(sent.map((m) => m.sessionId)).toEqual(['bob', 'carol']);
  });

  it('a client key without a token → 401 token-missing with a Bearer challenge', async () => {
    const { app, sent } = setup();
    const res = await handlerOf(postEvent, app)(clientRequest({ body: progression('alice') }));
    expect(res.status).toBe(401);
    expect(res.json().type).toBe('urn:liveops:problem:token-missing');
    expect(header(res, 'www-authenticate')).toContain('Bearer');
    expect(sent).toHaveLength(0);
  });

  it('a client key with a bad or expired token → 401 token-invalid with its reason', async () => {
    const { app, token } = setup();
    const post = handlerOf(postEvent, app);
    const garbage = await post(clientRequest({ body: progression('alice'), token: 'a.b.c' }));
    expect(garbage.json()).toMatchObject({ status: 401, type: 'urn:liveops:problem:token-invalid', reason: 'malformed' });
    const basic = await post(clientRequest({ body: progression('alice'), headers: { authorization: 'Basic YWxpY2U6cHc=' } }));
    expect(basic.json()).toMatchObject({ type: 'urn:liveops:problem:token-invalid', reason: 'malformed' });
    const expired = await app.playerTokens.mint({ playerId: 'alice', ttlS: 60, nowMs: NOW_MS - 120_000 });
    expect((await post(clientRequest({ body: progression('alice'), token: expired.token }))).json()).toMatchObject({ reason: 'expired' });
    expect((await post(clientRequest({ body: progression('alice'), token: await token('alice') }))).status).toBe(202);
  });

  it("a client key acts only for its token's player, and only with CLIENT_EVENT_TYPES", async () => {
    const { app, token, sent } = setup();
    const post = handlerOf(postEvent, app);
    const alice = await token('alice');
    expect((await post(clientRequest({ body: progression('alice'), token: alice }))).status).toBe(202);
    const dropped = newEventBody({ type: 'drop_claimed', playerId: 'alice', payload: { dropId: 'sword', weight: 0.2, source: 'chest' } });
    expect((await post(clientRequest({ body: dropped, token: alice }))).status).toBe(202);
    const foreign = await post(clientRequest({ body: progression('bob'), token: alice }));
    expect(foreign.status).toBe(403);
    expect(foreign.json().type).toBe('urn:liveops:problem:player-mismatch');
    for (const body of [newEventBody({ playerId: 'alice' }), newEventBody({ type: 'match_end', playerId: 'alice', payload: { matchId: 'm1', score: 10, durationMs: 1000 } })]) {
      const res = await post(clientRequest({ body, token: alice }));
      expect(res.status).toBe(403);
      expect(res.json().type).toBe('urn:liveops:problem:event-type-not-allowed');
    }
    expect(sent.map((m) => m.sessionId)).toEqual(['alice', 'alice']);
  });

  it('an admin-only key acts for no player', async () => {
    const { app } = setup();
    const res = await handlerOf(postEvent, app)(signedRequest({ body: progression('alice'), kid: 'ops', key: OPS_KEY }));
    expect(res.status).toBe(403);
    expect(res.json().type).toBe('urn:liveops:problem:forbidden-key');
  });

  it('CLIENT_EVENT_TYPES decides what a client may send', async () => {
    const { app } = gatewayHarness({ ...ENV, CLIENT_EVENT_TYPES: 'boss_kill' });
    const alice = (await app.playerTokens.mint({ playerId: 'alice', nowMs: NOW_MS })).token;
    const post = handlerOf(postEvent, app);
    expect((await post(clientRequest({ body: newEventBody({ playerId: 'alice' }), token: alice }))).status).toBe(202);
    expect((await post(clientRequest({ body: progression('alice'), token: alice }))).status).toBe(403);
  });
});

describe('POST /api/events/batch with a client key', () => {
  it('judges each event: foreign players and server-only types are rejected, the rest accepted', async () => {
    const { app, token, sent } = setup();
    const events = [progression('alice'), progression('bob'), newEventBody({ playerId: 'alice' }), progression('alice')];
    const res = await handlerOf(postEventBatch, app)(clientRequest({ path: '/api/events/batch', body: { events }, token: await token('alice') }));
    expect(res.status).toBe(202);
    const results = (res.json() as { results: { status: string; problem?: { type: string } }[] }).results;
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(results.map((r) => r.problem?.type)).toEqual([undefined, 'urn:liveops:problem:player-mismatch', 'urn:liveops:problem:event-type-not-allowed', undefined]);
    expect(sent.every((m) => m.sessionId === 'alice')).toBe(true);
  });
});

describe('Idempotency-Key scope', () => {
  it('(kid, player) for client keys: two players of one client key never collide', async () => {
    const { app, token } = setup();
    const post = handlerOf(postEvent, app);
    const headers = { 'idempotency-key': 'save-1' };
    const a = await post(clientRequest({ body: progression('alice'), token: await token('alice'), headers }));
    const b = await post(clientRequest({ body: progression('bob'), token: await token('bob'), headers }));
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(header(b, 'idempotent-replayed')).toBeNull();
    // The same player repeating its key is still a replay.
    const again = await post(clientRequest({ body: progression('alice'), token: await token('alice'), headers }));
    expect(again.status).toBe(422);
  });
});

describe('POST /api/sessions', () => {
  it('a server key mints a token that a client key can then use', async () => {
    const { app } = setup();
    const res = await handlerOf(postSession, app)(signedRequest({ path: '/api/sessions', body: { playerId: 'alice', ttlS: 600 } }));
    expect(res.status).toBe(201);
    const body = res.json() as { token: string; playerId: string; expiresAt: string };
    expect(body.playerId).toBe('alice');
    expect(body.expiresAt).toBe(new Date(NOW_MS + 600_000).toISOString());
    expect((await handlerOf(postEvent, app)(clientRequest({ body: progression('alice'), token: body.token }))).status).toBe(202);
  });

  it('refuses client keys, admin-only keys, unsigned calls and ttlS beyond PLAYER_TOKEN_TTL_S', async () => {
    const { app, token } = setup();
    const mint = handlerOf(postSession, app);
    const path = '/api/sessions';
    const asClient = await mint(clientRequest({ path, body: { playerId: 'alice' }, token: await token('alice') }));
    expect([asClient.status, asClient.json().type]).toEqual([403, 'urn:liveops:problem:forbidden-key']);
    expect((await mint(signedRequest({ path, body: { playerId: 'alice' }, kid: 'ops', key: OPS_KEY }))).status).toBe(403);
    const unsigned = new HttpRequest({ method: 'POST', url: `http://localhost${path}`, headers: { 'content-type': 'application/json' }, body: { string: '{"playerId":"alice"}' } });
    expect((await mint(unsigned)).status).toBe(401);
    const tooLong = await mint(signedRequest({ path, body: { playerId: 'alice', ttlS: 3601 } }));
    expect(tooLong.status).toBe(400);
    expect((await mint(signedRequest({ path, body: { playerId: 'no spaces' } }))).status).toBe(400);
  });
});

describe('rewards, claims and redeem', () => {
  const get = (playerId: string, options: { token?: string; signed?: 'server' | 'client' } = {}) => {
    const path = `/api/players/${playerId}/rewards`;
    if (options.signed === 'server') return signedRequest({ method: 'GET', path, params: { playerId }, body: '' });
    if (options.signed === 'client') return clientRequest({ method: 'GET', path, params: { playerId }, body: '', ...(options.token === undefined ? {} : { token: options.token }) });
    return new HttpRequest({ method: 'GET', url: `http://localhost${path}`, params: { playerId }, headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` } });
  };

  it("GET rewards needs the player's token or a server signature", async () => {
    const { app, token } = setup();
    const read = handlerOf(getRewards, app);
    const alice = await token('alice');
    expect((await read(get('alice', { token: alice }))).status).toBe(200);
    expect((await read(get('alice', { token: alice, signed: 'client' }))).status).toBe(200);
    expect((await read(get('alice', { signed: 'server' }))).status).toBe(200);
    expect((await read(get('bob', { token: alice }))).json().type).toBe('urn:liveops:problem:player-mismatch');
    expect((await read(get('alice'))).json().type).toBe('urn:liveops:problem:token-missing');
    expect((await read(get('alice', { signed: 'client' }))).json().type).toBe('urn:liveops:problem:token-missing');
  });

  it("a client claims only its own player's rewards; redeem is for server keys", async () => {
    const { app, token } = setup();
    const claim = handlerOf(claimReward, app);
    const alice = await token('alice');
    const foreign = await claim(clientRequest({ path: '/api/rewards/claim', body: { playerId: 'bob', rewardId: 'level_5_chest' }, token: alice }));
    expect([foreign.status, foreign.json().type]).toEqual([403, 'urn:liveops:problem:player-mismatch']);
    // Alice's own claim gets as far as the entitlement check (she has no level 5 yet).
    const own = await claim(clientRequest({ path: '/api/rewards/claim', body: { playerId: 'alice', rewardId: 'level_5_chest' }, token: alice }));
    expect(own.status).toBe(403);
    expect(own.json().type).not.toBe('urn:liveops:problem:player-mismatch');
    const redeem = await handlerOf(redeemReceipt, app)(clientRequest({ path: '/api/receipts/redeem', body: { receipt: 'x.y.z' }, token: alice }));
    expect([redeem.status, redeem.json().type]).toEqual([403, 'urn:liveops:problem:forbidden-key']);
  });

  it('admin routes refuse client keys even with a token', async () => {
    const { app, token } = setup();
    const res = await handlerOf(adminPlayerFairness, app)(clientRequest({ method: 'GET', path: '/api/admin/players/alice/fairness', params: { playerId: 'alice' }, body: '', token: await token('alice') }));
    expect([res.status, res.json().type]).toEqual([403, 'urn:liveops:problem:forbidden-key']);
  });
});

describe('no mutation of a client request is accepted for another player (property)', () => {
  it('a cheater re-signing with the public client key, or tampering with the headers, never lands an event for someone else, and never gets a 5xx', async () => {
    const { app, token, sent } = setup();
    const post = handlerOf(postEvent, app);
    const alice = await token('alice');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          victim: fc.stringMatching(/^[A-Za-z0-9_-]{3,20}$/).filter((p) => p !== 'alice'),
          authorization: fc.oneof(
            fc.constant(`Bearer ${alice}`),
            fc.constant(`bearer ${alice}`),
            fc.constant(`Bearer ${alice}${alice}`),
            fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
            fc.nat({ max: alice.length - 1 }).map((i) => `Bearer ${alice.slice(0, i)}${alice[i] === 'A' ? 'B' : 'A'}${alice.slice(i + 1)}`),
            fc.constant(''),
          ),
          type: fc.constantFrom('progression', 'drop_claimed', 'boss_kill'),
        }),
        async ({ victim, authorization, type }) => {
          const payload = type === 'progression' ? { deltaXp: 5, activity: 'quest' } : type === 'drop_claimed' ? { dropId: 'd', weight: 0.5, source: 's' } : { bossId: 'b', tier: 1, points: 1 };
          const before = sent.length;
          const res = await post(clientRequest({ body: newEventBody({ type, playerId: victim, payload }), headers: { authorization } }));
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(sent.length).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});
