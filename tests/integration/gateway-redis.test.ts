import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/app-context.js';
import { postEvent, postEventBatch } from '../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, header, newEventBody, NOW_MS, signedRequest } from '../support/gateway.js';
import { integrationSuite } from '../support/services.js';

const opened: AppContext[] = [];
afterAll(async () => {
  await Promise.all(opened.map((app) => app.close()));
});

integrationSuite('gateway on real Redis', ['redis'], (urls) => {
  it('accepts once, dedups by eventId and replays an Idempotency-Key across handler instances', async () => {
    const harness = gatewayHarness({ REDIS_URL: urls.redis });
    opened.push(harness.app);
    // Two handler instances stand in for two workers sharing Redis.
    const workerA = handlerOf(postEvent, harness.app);
    const workerB = handlerOf(postEvent, harness.app);
    const body = newEventBody({ playerId: `it_${randomUUID().slice(0, 8)}` });
    const key = randomUUID();
    const first = await workerA(signedRequest({ body, headers: { 'idempotency-key': key } }));
    const replay = await workerB(signedRequest({ body, headers: { 'idempotency-key': key } }));
    expect(first.status).toBe(202);
    expect(header(replay, 'idempotent-replayed')).toBe('true');
    expect((await workerB(signedRequest({ body }))).json()).toMatchObject({ status: 'duplicate' });
    expect(harness.sent).toHaveLength(1);
  });

  it('50 simultaneous requests with one key publish exactly one message', async () => {
    const harness = gatewayHarness({ REDIS_URL: urls.redis, RATE_LIMIT_PLAYER_BURST: '100' });
    opened.push(harness.app);
    const post = handlerOf(postEvent, harness.app);
    const body = newEventBody({ playerId: `it_${randomUUID().slice(0, 8)}` });
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(signedRequest({ body, headers: { 'idempotency-key': key } }))));
    expect(harness.sent).toHaveLength(1);
    expect(responses.every((r) => r.status === 202 || r.status === 409)).toBe(true);
  });

  it('blocks a sanctioned player and rate-limits through Redis', async () => {
    const harness = gatewayHarness({ REDIS_URL: urls.redis, RATE_LIMIT_PLAYER_BURST: '1', RATE_LIMIT_PLAYER_PER_SEC: '1' });
    opened.push(harness.app);
    const post = handlerOf(postEventBatch, harness.app);
    const playerId = `it_${randomUUID().slice(0, 8)}`;
    const blocked = `it_${randomUUID().slice(0, 8)}`;
    await harness.app.stores.sanctions.block({ playerId: blocked, untilMs: NOW_MS + 60_000, reason: 'test', nowMs: NOW_MS });
    const res = await post(signedRequest({ path: '/api/events/batch', body: { events: [newEventBody({ playerId }), newEventBody({ playerId: blocked })] } }));
    expect((res.json() as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
    const limited = await handlerOf(postEvent, harness.app)(signedRequest({ body: newEventBody({ playerId }) }));
    expect(limited.status).toBe(429);
  });
});

describe('gateway with Redis down', () => {
  it('answers 503 with Retry-After, never 500, and publishes nothing', async () => {
    const harness = gatewayHarness({ REDIS_URL: 'redis://127.0.0.1:1' });
    opened.push(harness.app);
    const res = await handlerOf(postEvent, harness.app)(signedRequest({ body: newEventBody() }));
    expect(res.status).toBe(503);
    expect(header(res, 'retry-after')).toBe('5');
    expect(res.json().type).toBe('urn:liveops:problem:dependency-unavailable');
    expect(JSON.stringify(res.json())).not.toContain('127.0.0.1');
    expect(harness.sent).toHaveLength(0);
  });
});
