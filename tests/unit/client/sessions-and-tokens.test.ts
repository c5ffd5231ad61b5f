import { describe, expect, it } from 'vitest';
import { LiveOpsClient, newEvent } from '../../../src/client/index.js';
import { DEVELOPMENT_CLIENT_KEY, DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { resolveClientKey, resolveConnection } from '../../../src/tools/cli.js';
import { parseSessionsArgs } from '../../../src/tools/sessions-args.js';
import { parseSimulateArgs } from '../../../src/tools/simulate-args.js';
import { PlayerClients } from '../../../src/tools/simulation/player-clients.js';
import { accepted, fakeFetch, type SeenRequest } from './fake-fetch.js';

const NOW_MS = Date.UTC(2026, 11, 5, 12, 0, 0);
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';

describe('LiveOpsClient and player tokens', () => {
  it('sends the token as a bearer on every attempt, and mints sessions', async () => {
    const session = new Response(JSON.stringify({ token: TOKEN, playerId: 'alice', expiresAt: '2026-12-05T13:00:00.000Z' }), { status: 201, headers: { 'content-type': 'application/json' } });
    const { fetch, seen } = fakeFetch(session);
    const server = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY, fetch, now: () => NOW_MS });
    expect(await server.createSession('alice', { ttlS: 600 })).toEqual({ token: TOKEN, playerId: 'alice', expiresAt: '2026-12-05T13:00:00.000Z' });
    expect(seen[0]?.path).toBe('/api/sessions');
    expect(JSON.parse(new TextDecoder().decode(seen[0]?.body))).toEqual({ playerId: 'alice', ttlS: 600 });
    expect(seen[0]?.headers.get('authorization')).toBeNull();

    const event = newEvent('progression', 'alice', { deltaXp: 5, activity: 'quest' }, { now: () => NOW_MS });
    const replies = fakeFetch(new Response('', { status: 503, headers: { 'retry-after': '0' } }), accepted(event.eventId));
    const client = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev-client', key: DEVELOPMENT_CLIENT_KEY, token: TOKEN, fetch: replies.fetch, now: () => NOW_MS, sleep: () => Promise.resolve() });
    await client.sendEvent(event);
    expect(replies.seen.map((r) => r.headers.get('authorization'))).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it('refuses a token that is not a JWT before sending anything', () => {
    expect(() => new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev-client', key: DEVELOPMENT_CLIENT_KEY, token: 'secret value' })).toThrow(/token must be a JWT/);
  });
});

describe('command lines', () => {
  it('--token / LIVEOPS_TOKEN, and the published client key for dev-client', () => {
    expect(resolveConnection({ kid: 'dev-client' }, { LIVEOPS_TOKEN: TOKEN })).toEqual({ url: 'http://localhost:7071', kid: 'dev-client', key: DEVELOPMENT_CLIENT_KEY, token: TOKEN });
    expect(resolveConnection({ token: 'flag.wins.here' }, { LIVEOPS_TOKEN: TOKEN }).token).toBe('flag.wins.here');
    expect(resolveClientKey({}, {})).toEqual({ kid: 'dev-client', key: DEVELOPMENT_CLIENT_KEY });
    expect(() => resolveClientKey({ 'client-kid': 'game-client-1' }, {})).toThrow(/LIVEOPS_CLIENT_KEY/);
  });

  it('npm run sessions needs a player and takes a ttl', () => {
    const args = parseSessionsArgs(['--player', 'alice', '--ttl', '600'], {});
    expect(args).toMatchObject({ help: false, command: { playerId: 'alice', ttlS: 600, connection: { kid: 'dev', key: DEVELOPMENT_HMAC_KEY } } });
    expect(() => parseSessionsArgs([], {})).toThrow(/--player is required/);
    expect(() => parseSessionsArgs(['--player', 'a', '--ttl', '-1'], {})).toThrow(/--ttl/);
  });

  it('the simulator plays clients by default; --as server for the old way', () => {
    expect(parseSimulateArgs([], {}, NOW_MS)).toMatchObject({ help: false, command: { as: 'client', clientKey: { kid: 'dev-client' } } });
    expect(parseSimulateArgs(['--as', 'server'], {}, NOW_MS)).toMatchObject({ command: { as: 'server' } });
    expect(() => parseSimulateArgs(['--as', 'robot'], {}, NOW_MS)).toThrow(/--as must be client or server/);
  });
});

describe('PlayerClients (the simulator as game clients)', () => {
  /** A fake gateway: answers sessions and events, and records who signed what with which token. */
  function gateway() {
    const seen: { path: string; kid: string | undefined; token: string | null; players: string[] }[] = [];
    let minted = 0;
    const fetch = (url: string, init: RequestInit): Promise<Response> => {
      const request: SeenRequest = { url, path: new URL(url).pathname, method: init.method ?? 'GET', headers: new Headers(init.headers), body: init.body as Uint8Array };
      const body = JSON.parse(new TextDecoder().decode(request.body)) as { playerId?: string; events?: { playerId: string; eventId: string }[]; eventId?: string };
      const kid = /kid=([^,]+)/.exec(request.headers.get('x-signature') ?? '')?.[1];
      const players = body.events?.map((e) => e.playerId) ?? [body.playerId ?? ''];
      seen.push({ path: request.path, kid, token: request.headers.get('authorization'), players });
      if (request.path === '/api/sessions') {
        minted += 1;
        return Promise.resolve(new Response(JSON.stringify({ token: `h.${body.playerId ?? ''}.s`, playerId: body.playerId, expiresAt: new Date(NOW_MS + 3600_000).toISOString() }), { status: 201 }));
      }
      if (body.events !== undefined) return Promise.resolve(new Response(JSON.stringify({ results: body.events.map((e) => ({ eventId: e.eventId, status: 'accepted' })) }), { status: 202 }));
      return Promise.resolve(accepted(body.eventId ?? ''));
    };
    return { fetch, seen, minted: () => minted };
  }

  it('sends each player\'s client events with its own token, authoritative ones with the server key, and mints once per player', async () => {
    const { fetch, seen, minted } = gateway();
    const server = new LiveOpsClient({ baseUrl: 'http://gw', kid: 'dev', key: DEVELOPMENT_HMAC_KEY, fetch, now: () => NOW_MS });
    const clients = new PlayerClients({ server, client: { baseUrl: 'http://gw', kid: 'dev-client', key: DEVELOPMENT_CLIENT_KEY, fetch, now: () => NOW_MS }, clientEventTypes: ['progression'], now: () => NOW_MS });
    const xp = (p: string) => newEvent('progression', p, { deltaXp: 1, activity: 'q' }, { now: () => NOW_MS });
    const boss = (p: string) => newEvent('boss_kill', p, { bossId: 'b', tier: 1, points: 1 }, { now: () => NOW_MS });
    await clients.sendEvent(xp('alice'));
    await clients.sendEvent(xp('alice'));
    await clients.sendEvent(boss('alice'));
    const batch = [xp('alice'), boss('bob'), xp('bob'), xp('alice')];
    const { results } = await clients.sendBatch(batch);
    expect(results.map((r) => r.eventId)).toEqual(batch.map((e) => e.eventId));
    expect(minted()).toBe(2);
    const events = seen.filter((s) => s.path !== '/api/sessions');
    for (const request of events) {
      if (request.kid === 'dev-client') expect(request.players.every((p) => request.token === `Bearer h.${p}.s`)).toBe(true);
      else expect(request.token).toBeNull();
    }
    expect(events.filter((r) => r.kid === 'dev').flatMap((r) => r.players)).toEqual(['alice', 'bob']);
  });
});
