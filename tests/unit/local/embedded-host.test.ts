import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../../src/functions/definition.js';
import { functions } from '../../../src/functions/catalog.js';
import { httpFunction, json } from '../../../src/functions/http/http-function.js';
import { startEmbeddedHost, type EmbeddedHost } from '../../../src/local/embedded-host.js';
import { testApp } from '../../support/app.js';

const echo = httpFunction({
  name: 'echo',
  route: 'echo/{name}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handle: async ({ request }) => json(200, { name: request.params.name, q: request.query.get('q'), body: await request.text() }),
});
const boom = httpFunction({
  name: 'boom', route: 'boom', methods: ['GET'], authLevel: 'anonymous',
  handle: () => Promise.reject(new Error('internal detail')),
});

let host: EmbeddedHost | undefined;
afterEach(async () => {
  await host?.stop(1000);
  host = undefined;
});

async function start(definitions: readonly FunctionDefinition[], env: Record<string, string> = {}): Promise<string> {
  const { app } = testApp({ env });
  host = await startEmbeddedHost({ app, definitions, port: 0, host: '127.0.0.1', timers: false });
  return host.url;
}

describe('embedded host HTTP', () => {
  it('serves the catalogue at /api, e.g. healthz', async () => {
    const url = await start(functions);
    const res = await fetch(`${url}/api/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('passes route params, query and body through the @azure/functions request type', async () => {
    const url = await start([echo]);
    const res = await fetch(`${url}/api/echo/ada?q=1`, { method: 'POST', body: 'hello' });
    expect(await res.json()).toEqual({ name: 'ada', q: '1', body: 'hello' });
  });

  it('answers unknown routes with 404 and wrong methods with 405 + Allow, as problem documents', async () => {
    const url = await start([echo]);
    const missing = await fetch(`${url}/api/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const wrong = await fetch(`${url}/api/echo/x`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('refuses a body over MAX_BODY_BYTES with 413 before the handler runs', async () => {
    const url = await start([echo], { MAX_BODY_BYTES: '1024' });
    const res = await fetch(`${url}/api/echo/x`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { type: string }).type).toBe('urn:liveops:problem:payload-too-large');
  });

  it('renders a handler bug as a bare 500 problem without internal detail', async () => {
    const url = await start([boom]);
    const res = await fetch(`${url}/api/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('internal detail');
  });

  it('serves Prometheus metrics at /metrics', async () => {
    const { app } = testApp();
    const { hostRoutes } = await import('../../../src/local/host-routes.js');
    host = await startEmbeddedHost({ app, definitions: functions, port: 0, host: '127.0.0.1', timers: false, extraRoutes: hostRoutes(app) });
    const res = await fetch(`${host.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('liveops_process_cpu_seconds_total');
  });
});

describe('embedded host gateway over real HTTP', () => {
  it('accepts a signed event; fairness passes it on; progression applies it and serves the progress', async () => {
    const { signRequest } = await import('../../../src/core/ingestion/signing.js');
    const { DEVELOPMENT_HMAC_KEY } = await import('../../../src/core/config/settings-key-rings.js');
    const { MemoryBus } = await import('../../../src/adapters/memory/memory-bus.js');
    const { app } = testApp();
    host = await startEmbeddedHost({ app, definitions: functions, port: 0, host: '127.0.0.1', timers: false });
    const body = JSON.stringify({
      eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
      type: 'progression',
      playerId: 'player_1',
      ts: Date.now(),
      payload: { deltaXp: 120, activity: 'quest' },
    });
    const signature = signRequest({ kid: 'dev', key: Buffer.from(DEVELOPMENT_HMAC_KEY), t: Math.floor(Date.now() / 1000), method: 'POST', path: '/api/events', body: Buffer.from(body) });
    const res = await fetch(`${host.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signature }, body });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ eventId: '3b241101-e2bb-4255-8caf-4136c566a962', status: 'accepted' });
    const { bus } = app;
    if (!(bus instanceof MemoryBus)) throw new Error('expected the memory bus');
    await bus.idle();
    expect(bus.activeMessageCount({ queue: 'liveops-ingress' })).toBe(0);
    // Consumed by the progression function.
    expect(bus.activeMessageCount({ topic: 'liveops-verified', subscription: 'progression' })).toBe(0);
    const progress = await fetch(`${host.url}/api/players/player_1/progress`);
    expect(await progress.json()).toMatchObject({ playerId: 'player_1', xp: 120, level: 1, xpIntoLevel: 120, xpForNextLevel: 1000 });
    // Consumed by the leaderboard function too: the xp board ranks the player.
    const xpBoard = await fetch(`${host.url}/api/leaderboards/xp/alltime`);
    expect(await xpBoard.json()).toMatchObject({ board: 'xp', window: 'alltime', total: 1, entries: [{ rank: 1, playerId: 'player_1', score: 120 }] });
    expect(bus.activeMessageCount({ topic: 'liveops-verified', subscription: 'leaderboard' })).toBe(0);
  });
});
