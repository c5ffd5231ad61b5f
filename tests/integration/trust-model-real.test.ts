import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LiveOpsClient, LiveOpsError, newEvent } from '../../src/client/index.js';
import { DEVELOPMENT_CLIENT_KEY, DEVELOPMENT_HMAC_KEY } from '../../src/core/config/settings-key-rings.js';
import { signRequest } from '../../src/core/ingestion/signing.js';
import { functions } from '../../src/functions/catalog.js';
import { startEmbeddedHost, type EmbeddedHost } from '../../src/local/embedded-host.js';
import { testApp } from '../support/app.js';
import { integrationSuite } from '../support/services.js';

const OPS_KEY = 'ops-only-admin-key-0123456789abcdef012345';

/**
 * DESIGN §2a end to end: the whole app on the embedded host (gateway → memory bus → fairness)
 * with the gateway and fairness stores on real Redis, driven over HTTP by the TypeScript client.
 */
integrationSuite('trust model through the embedded host on real Redis', ['redis'], (urls) => {
  let host: EmbeddedHost;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const { app } = testApp({
      env: {
        REDIS_URL: urls.redis,
        HMAC_KEYS: JSON.stringify({ dev: DEVELOPMENT_HMAC_KEY, 'dev-client': DEVELOPMENT_CLIENT_KEY, ops: OPS_KEY }),
        SERVER_KEY_IDS: 'dev',
        ADMIN_KEY_IDS: 'dev,ops',
      },
    });
    host = await startEmbeddedHost({ app, definitions: functions, port: 0, host: '127.0.0.1' });
    close = () => app.close();
  });
  afterAll(async () => {
    await host.stop(1_000);
    await close();
  });

  const server = () => new LiveOpsClient({ baseUrl: host.url, kid: 'dev', key: DEVELOPMENT_HMAC_KEY, maxRetries: 0 });
  const client = (token?: string) => new LiveOpsClient({ baseUrl: host.url, kid: 'dev-client', key: DEVELOPMENT_CLIENT_KEY, maxRetries: 0, ...(token === undefined ? {} : { token }) });
  const player = () => `tm_${randomUUID().slice(0, 8)}`;
  const xp = (playerId: string, deltaXp = 40) => newEvent('progression', playerId, { deltaXp, activity: 'quest' });
  const problemOf = async (call: Promise<unknown>): Promise<{ status?: number; type?: string }> => {
    const error = await call.then(() => undefined, (e: unknown) => e);
    if (!(error instanceof LiveOpsError)) throw new Error(`expected a refusal, got ${String(error)}`);
    return { status: error.status, type: error.problem?.type };
  };
  /** Any route, signed with `kid` (or unsigned), with a bearer token when given. */
  const call = async (options: { method: 'GET' | 'POST'; path: string; body?: unknown; kid?: 'dev' | 'dev-client' | 'ops'; token?: string }) => {
    const body = options.body === undefined ? '' : JSON.stringify(options.body);
    const keys = { dev: DEVELOPMENT_HMAC_KEY, 'dev-client': DEVELOPMENT_CLIENT_KEY, ops: OPS_KEY };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.kid !== undefined) {
      headers['x-signature'] = signRequest({ kid: options.kid, key: Buffer.from(keys[options.kid]), t: Math.floor(Date.now() / 1000), method: options.method, path: options.path, body: Buffer.from(body) });
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${host.url}${options.path}`, { method: options.method, headers, ...(options.method === 'POST' ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('a server key: any player, any event type, mints sessions, reads rewards, reaches redeem', async () => {
    const [bob, carol] = [player(), player()];
    expect((await server().sendEvent(newEvent('boss_kill', bob, { bossId: 'dragon', tier: 2, points: 10 }))).status).toBe('accepted');
    expect((await server().sendEvent(xp(carol))).status).toBe('accepted');
    const session = await server().createSession(bob, { ttlS: 300 });
    expect(session.playerId).toBe(bob);
    expect((await call({ method: 'GET', path: `/api/players/${bob}/rewards`, kid: 'dev' })).status).toBe(200);
    // Redeem is reached (the receipt is refused for what it is, not for who asks).
    expect((await call({ method: 'POST', path: '/api/receipts/redeem', kid: 'dev', body: { receipt: 'x.y.z' } })).status).not.toBe(403);
  });

  it('a client key: its own player only, with a token, client event types only', async () => {
    const [alice, bob] = [player(), player()];
    const { token } = await server().createSession(alice);
    expect(await problemOf(client().sendEvent(xp(alice)))).toEqual({ status: 401, type: 'urn:liveops:problem:token-missing' });
    expect(await problemOf(client(`${token}x`).sendEvent(xp(alice)))).toEqual({ status: 401, type: 'urn:liveops:problem:token-invalid' });
    expect((await client(token).sendEvent(xp(alice))).status).toBe('accepted');
    expect(await problemOf(client(token).sendEvent(xp(bob)))).toEqual({ status: 403, type: 'urn:liveops:problem:player-mismatch' });
    expect(await problemOf(client(token).sendEvent(newEvent('boss_kill', alice, { bossId: 'dragon', tier: 2, points: 10 })))).toEqual({ status: 403, type: 'urn:liveops:problem:event-type-not-allowed' });
    const batch = await client(token).sendBatch([xp(alice), xp(bob), xp(alice)]);
    expect(batch.results.map((r) => r.problem?.type ?? r.status)).toEqual(['accepted', 'urn:liveops:problem:player-mismatch', 'accepted']);
    expect(await problemOf(client(token).createSession(alice))).toEqual({ status: 403, type: 'urn:liveops:problem:forbidden-key' });

    expect((await call({ method: 'GET', path: `/api/players/${alice}/rewards`, token })).status).toBe(200);
    expect((await call({ method: 'GET', path: `/api/players/${bob}/rewards`, token })).body.type).toBe('urn:liveops:problem:player-mismatch');
    expect((await call({ method: 'GET', path: `/api/players/${alice}/rewards` })).status).toBe(401);
    expect((await call({ method: 'POST', path: '/api/rewards/claim', kid: 'dev-client', token, body: { playerId: bob, rewardId: 'level_5_chest' } })).body.type).toBe('urn:liveops:problem:player-mismatch');
    expect((await call({ method: 'POST', path: '/api/receipts/redeem', kid: 'dev-client', token, body: { receipt: 'x.y.z' } })).body.type).toBe('urn:liveops:problem:forbidden-key');
    expect((await call({ method: 'GET', path: `/api/admin/players/${alice}/fairness`, kid: 'dev-client', token })).status).toBe(403);
    // Reads stay public.
    expect((await call({ method: 'GET', path: `/api/players/${alice}/progress` })).status).not.toBe(401);
    expect((await call({ method: 'GET', path: '/api/leaderboards/xp/daily' })).status).toBe(200);
  });

  it('an admin-only key calls admin routes and acts for no player', async () => {
    const alice = player();
    expect((await call({ method: 'GET', path: `/api/admin/players/${alice}/fairness`, kid: 'ops' })).status).toBe(200);
    expect((await call({ method: 'POST', path: '/api/events', kid: 'ops', body: xp(alice) })).body.type).toBe('urn:liveops:problem:forbidden-key');
  });

  it("two players sharing the client key never share an Idempotency-Key's space", async () => {
    const [alice, bob] = [player(), player()];
    const key = `save-${randomUUID()}`;
    const a = await client((await server().createSession(alice)).token).sendEvent(xp(alice), { idempotencyKey: key });
    const b = await client((await server().createSession(bob)).token).sendEvent(xp(bob), { idempotencyKey: key });
    expect([a.status, a.replayed, b.status, b.replayed]).toEqual(['accepted', false, 'accepted', false]);
  });

  it("the rival-ban scenario: a client holding A's token cannot flag or block B", async () => {
    const [attacker, rival] = [player(), player()];
    const { token } = await server().createSession(attacker);
    // Over the FAIRNESS_CAPS deltaXp cap (50 000): each would be a flag, FLAG_THRESHOLD 3 a block.
    for (let i = 0; i < 3; i += 1) {
      expect(await problemOf(client(token).sendEvent(xp(rival, 60_000)))).toEqual({ status: 403, type: 'urn:liveops:problem:player-mismatch' });
      const batch = await client(token).sendBatch([xp(rival, 60_000)]);
      expect(batch.results[0]?.problem?.type).toBe('urn:liveops:problem:player-mismatch');
    }
    // The same events for the attacker's own player do reach fairness, which blocks the attacker.
    for (let i = 0; i < 3; i += 1) expect((await client(token).sendEvent(xp(attacker, 60_000))).status).toBe('accepted');
    let own: Record<string, unknown> = {};
    for (let i = 0; i < 100 && own.blockedUntil === undefined; i += 1) {
      own = (await call({ method: 'GET', path: `/api/admin/players/${attacker}/fairness`, kid: 'dev' })).body;
      if (own.blockedUntil === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(own.blockedUntil).toBeDefined();
    expect(await problemOf(client(token).sendEvent(xp(attacker)))).toMatchObject({ status: 403, type: 'urn:liveops:problem:player-blocked' });

    const rivalRecord = (await call({ method: 'GET', path: `/api/admin/players/${rival}/fairness`, kid: 'dev' })).body;
    expect(rivalRecord.flags).toEqual([]);
    expect(rivalRecord.blockedUntil).toBeUndefined();
    const rivalToken = (await server().createSession(rival)).token;
    expect((await client(rivalToken).sendEvent(xp(rival))).status).toBe('accepted');
  });
});
