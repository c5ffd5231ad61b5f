import { describe, expect, it } from 'vitest';
import { postEventBatch } from '../../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, header, newEventBody, NOW_MS, signedRequest } from '../../support/gateway.js';

const PATH = '/api/events/batch';

describe('POST /api/events/batch', () => {
  it('gives each event its own result: accepted, duplicate (also within the batch) or rejected with a problem', async () => {
    const { app, sent } = gatewayHarness();
    const post = handlerOf(postEventBatch, app);
    const first = newEventBody();
    const second = newEventBody({ playerId: 'player_7' });
    const invalid = newEventBody({ payload: { nope: 1 } });
    const res = await post(signedRequest({ path: PATH, body: { events: [first, second, first, invalid] } }));
    expect(res.status).toBe(202);
    const body = res.json() as { accepted: number; duplicate: number; rejected: number; results: { eventId: string; status: string; problem?: { status: number; errors: unknown[] } }[] };
    expect(body).toMatchObject({ accepted: 2, duplicate: 1, rejected: 1 });
    expect(body.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'duplicate', 'rejected']);
    expect(body.results[3]).toMatchObject({ eventId: invalid.eventId, problem: { status: 400 } });
    expect(body.results[3]?.problem?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'events.3.payload' })]));
    expect(sent.map((m) => m.messageId)).toEqual([first.eventId, second.eventId]);

    const again = await post(signedRequest({ path: PATH, body: { events: [first] } }));
    expect((again.json() as { results: { status: string }[] }).results[0]?.status).toBe('duplicate');
    expect(sent).toHaveLength(2);
  });

  it('400 for more than BATCH_MAX_EVENTS events or an empty list', async () => {
    const { app } = gatewayHarness({ BATCH_MAX_EVENTS: '2' });
    const post = handlerOf(postEventBatch, app);
    const tooMany = await post(signedRequest({ path: PATH, body: { events: [newEventBody(), newEventBody(), newEventBody()] } }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json().errors).toEqual([{ path: 'events', message: 'at most BATCH_MAX_EVENTS (2) events per batch' }]);
    expect((await post(signedRequest({ path: PATH, body: { events: [] } }))).status).toBe(400);
  });

  it('rejects the events of a blocked player and accepts the rest', async () => {
    const { app, sent } = gatewayHarness();
    await app.stores.sanctions.block({ playerId: 'cheater_1', untilMs: NOW_MS + 5_000, reason: 'test', nowMs: NOW_MS });
    const res = await handlerOf(postEventBatch, app)(signedRequest({ path: PATH, body: { events: [newEventBody({ playerId: 'cheater_1' }), newEventBody()] } }));
    const body = res.json() as { results: { status: string; problem?: { type: string } }[] };
    expect(body.results.map((r) => r.status)).toEqual(['rejected', 'accepted']);
    expect(body.results[0]?.problem?.type).toBe('urn:liveops:problem:player-blocked');
    expect(sent).toHaveLength(1);
  });

  it('429 for the whole batch when the signing key has no tokens left', async () => {
    const { app } = gatewayHarness({ RATE_LIMIT_KEY_PER_SEC: '2', RATE_LIMIT_PLAYER_BURST: '10' });
    const post = handlerOf(postEventBatch, app);
    expect((await post(signedRequest({ path: PATH, body: { events: [newEventBody(), newEventBody()] } }))).status).toBe(202);
    const limited = await post(signedRequest({ path: PATH, body: { events: [newEventBody()] } }));
    expect(limited.status).toBe(429);
    expect(header(limited, 'retry-after')).toBe('1');
  });

  it('503 and nothing remembered when publishing fails: the retry publishes every event', async () => {
    const harness = gatewayHarness();
    const post = handlerOf(postEventBatch, harness.app);
    const events = [newEventBody(), newEventBody({ playerId: 'player_9' })];
    harness.failSends(1);
    expect((await post(signedRequest({ path: PATH, body: { events } }))).status).toBe(503);
    const retry = await post(signedRequest({ path: PATH, body: { events } }));
    expect(retry.json()).toMatchObject({ accepted: 2 });
    expect(harness.sent).toHaveLength(2);
  });
});
