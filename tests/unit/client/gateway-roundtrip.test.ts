import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { LiveOpsClient, LiveOpsError, newEvent, type FetchLike } from '../../../src/client/index.js';
import { DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { postEvent, postEventBatch } from '../../../src/functions/gateway/events.js';
import { buildPopulation, generateTraffic } from '../../../src/tools/simulation/model.js';
import { gatewayHarness, handlerOf, NOW_MS, type GatewayHarness } from '../../support/gateway.js';

/**
 * The client against the real gateway handlers (no sockets): fetch is bridged straight into the
 * Functions handler, so signing, idempotency and the response shapes are checked end to end.
 */
function bridge(harness: GatewayHarness, options: { loseResponses?: number } = {}): { fetch: FetchLike; calls: () => number } {
  const handlers = { '/api/events': handlerOf(postEvent, harness.app), '/api/events/batch': handlerOf(postEventBatch, harness.app) };
  let lose = options.loseResponses ?? 0;
  let calls = 0;
  const fetch: FetchLike = async (url, init) => {
    calls += 1;
    const path = new URL(url).pathname;
    const handler = path === '/api/events' ? handlers['/api/events'] : path === '/api/events/batch' ? handlers['/api/events/batch'] : undefined;
    if (handler === undefined) return new Response('not found', { status: 404 });
    const body = init.body instanceof Uint8Array ? init.body : new Uint8Array();
    const res = await handler(new HttpRequest({ method: init.method ?? 'GET', url, headers: Object.fromEntries(new Headers(init.headers)), body: { bytes: body } }));
    if (lose > 0) {
      // The server did the work, but the answer never reached the client (connection reset).
      lose -= 1;
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    }
    const text = res.jsonBody !== undefined ? JSON.stringify(res.jsonBody) : typeof res.body === 'string' ? res.body : '';
    return new Response(text, { status: res.status ?? 200, headers: new Headers(res.headers) });
  };
  return { fetch, calls: () => calls };
}

function clientFor(fetch: FetchLike): LiveOpsClient {
  return new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY, fetch, now: () => NOW_MS, sleep: () => Promise.resolve() });
}

const bossKill = () => newEvent('boss_kill', 'player_42', { bossId: 'dragon', tier: 3, points: 1500 }, { now: () => NOW_MS - 1000 });

describe('client ↔ gateway', () => {
  it('an event is accepted once; re-sending it is a duplicate', async () => {
    const harness = gatewayHarness();
    const client = clientFor(bridge(harness).fetch);
    const event = bossKill();
    await expect(client.sendEvent(event)).resolves.toEqual({ eventId: event.eventId, status: 'accepted', replayed: false });
    await expect(client.sendEvent(event)).resolves.toEqual({ eventId: event.eventId, status: 'duplicate', replayed: false });
    expect(harness.sent).toHaveLength(1);
  });

  it('a retry after a lost response is replayed from the idempotency store, not ingested twice', async () => {
    const harness = gatewayHarness();
    const link = bridge(harness, { loseResponses: 1 });
    const event = bossKill();
    const result = await clientFor(link.fetch).sendEvent(event);
    expect(result).toEqual({ eventId: event.eventId, status: 'accepted', replayed: true });
    expect(link.calls()).toBe(2);
    expect(harness.sent).toHaveLength(1);
  });

  it('the gateway’s problem document reaches the caller intact', async () => {
    const harness = gatewayHarness();
    const client = clientFor(bridge(harness).fetch);
    const invalid = { ...bossKill(), payload: { bossId: 'dragon', tier: 11, points: 1500 } };
    const error = (await client.sendEvent(invalid).catch((e: unknown) => e)) as LiveOpsError;
    expect(error).toBeInstanceOf(LiveOpsError);
    expect(error.status).toBe(400);
    expect(error.problemType).toBe('urn:liveops:problem:validation');
    expect(error.problem?.errors).toEqual([expect.objectContaining({ path: 'payload.tier' })]);
  });

  it('a wrong key is a 401 signature-mismatch, not retried', async () => {
    const harness = gatewayHarness();
    const link = bridge(harness);
    const client = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key: 'x'.repeat(40), fetch: link.fetch, now: () => NOW_MS });
    await expect(client.sendEvent(bossKill())).rejects.toMatchObject({ status: 401, problem: { type: 'urn:liveops:problem:signature-mismatch' } });
    expect(link.calls()).toBe(1);
  });

  it('every event of the simulation model is accepted by the real gateway', async () => {
    // The model's 20 s arrive at one pinned instant here, so the rate limits must not count them.
    const harness = gatewayHarness({ RATE_LIMIT_PLAYER_PER_SEC: '100000', RATE_LIMIT_PLAYER_BURST: '100000', RATE_LIMIT_KEY_PER_SEC: '100000' });
    const client = clientFor(bridge(harness).fetch);
    const population = buildPopulation({ seed: 3, players: 60, rate: 40, cheaterShare: 0.1, durationS: 20, startMs: NOW_MS - 30_000, runId: 'roundtrip' });
    const events = [...generateTraffic(population)].map((e) => e.event);
    expect(events.length).toBeGreaterThan(100);
    for (let i = 0; i < events.length; i += 200) {
      const { results } = await client.sendBatch(events.slice(i, i + 200));
      expect(results.filter((r) => r.status !== 'accepted')).toEqual([]);
    }
    expect(harness.sent).toHaveLength(events.length);
  });
});
