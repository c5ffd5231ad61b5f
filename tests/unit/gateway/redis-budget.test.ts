import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capStoredResponse, MAX_STORED_RESPONSE_BYTES } from '../../../src/functions/gateway/idempotency.js';
import { postEvent, postEventBatch } from '../../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, header, newEventBody, signedRequest } from '../../support/gateway.js';

// Issue #19 item 2: what one signed key can make the gateway keep in Redis.

/** An event with `n` unknown fields, each name `len` characters long. */
function withUnknownFields(n: number, len: number): Record<string, unknown> {
  const extra = Object.fromEntries(Array.from({ length: n }, (_, i) => [`${String(i).padStart(6, '0')}${'k'.repeat(len - 6)}`, 1]));
  return newEventBody(extra);
}

describe('gateway: invalid requests pay for themselves', () => {
  it('takes a key token for a request that fails validation, so garbage is rate limited like events', async () => {
    const { app, sent } = gatewayHarness({ RATE_LIMIT_KEY_PER_SEC: '2' });
    const post = handlerOf(postEvent, app);
    expect((await post(signedRequest({ body: '{"not json' }))).status).toBe(400);
    expect((await post(signedRequest({ body: newEventBody({ cheat: 1 }) }))).status).toBe(400);
    const limited = await post(signedRequest({ body: newEventBody() }));
    expect(limited.status).toBe(429);
    expect(limited.json().type).toBe('urn:liveops:problem:rate-limited');
    expect(sent).toHaveLength(0);
  });

  it('charges a batch one token per event it holds, valid or not', async () => {
    const { app } = gatewayHarness({ RATE_LIMIT_KEY_PER_SEC: '3' });
    const batch = handlerOf(postEventBatch, app);
    const invalid = await batch(signedRequest({ path: '/api/events/batch', body: { events: [{}, {}, {}] } }));
    expect(invalid.status).toBe(202);
    expect(invalid.json()).toMatchObject({ accepted: 0, rejected: 3 });
    expect((await handlerOf(postEvent, app)(signedRequest({ body: newEventBody() }))).status).toBe(429);
  });

  it('takes a token for a replayed Idempotency-Key too (a replay flood is still a flood)', async () => {
    const { app } = gatewayHarness({ RATE_LIMIT_KEY_PER_SEC: '2' });
    const post = handlerOf(postEvent, app);
    const body = newEventBody();
    expect((await post(signedRequest({ body, headers: { 'Idempotency-Key': 'k1' } }))).status).toBe(202);
    const replay = await post(signedRequest({ body, headers: { 'Idempotency-Key': 'k1' } }));
    expect(header(replay, 'Idempotent-Replayed')).toBe('true');
    expect((await post(signedRequest({ body, headers: { 'Idempotency-Key': 'k1' } }))).status).toBe(429);
  });
});

describe('gateway: bounded echo', () => {
  it('names at most five errors and three unknown fields, each cut short, in a small problem body', async () => {
    const { app } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const body = withUnknownFields(2_000, 400);
    const res = await post(signedRequest({ body, headers: { 'Idempotency-Key': 'echo-1' } }));
    expect(res.status).toBe(400);
    const problem = res.json() as { errors: { path: string; message: string }[] };
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors[0]?.message).toMatch(/^unknown fields: 000000k+…, 000001k+…, 000002k+… and 1997 more$/);
    expect(JSON.stringify(problem).length).toBeLessThan(1_000);

    // The stored copy is what the replay serves: as small as the answer.
    const replay = await post(signedRequest({ body, headers: { 'Idempotency-Key': 'echo-1' } }));
    expect(header(replay, 'Idempotent-Replayed')).toBe('true');
    expect(JSON.stringify(replay.json()).length).toBeLessThan(1_000);
  });

  it('lists the first five of many field errors and counts them all in detail', async () => {
    const { app } = gatewayHarness({ BATCH_MAX_EVENTS: '5' });
    const res = await handlerOf(postEventBatch, app)(signedRequest({ path: '/api/events/batch', body: { events: Array.from({ length: 9 }, () => ({})), extra: 1 } }));
    expect(res.status).toBe(400);
    const problem = res.json() as { detail: string; errors: unknown[] };
    expect(problem.errors.length).toBeLessThanOrEqual(5);
    expect(problem.detail).toMatch(/^The request is invalid \(\d+ errors/);
  });
});

describe('gateway: stored responses are capped', () => {
  it('keeps a digest, not the body, of a response over the cap, and a replay says so', async () => {
    const { app } = gatewayHarness({ BATCH_MAX_EVENTS: '1000' });
    const batch = handlerOf(postEventBatch, app);
    // 1000 invalid events, each a rejected result with its own problem: far over 64 KiB.
    const body = { events: Array.from({ length: 1_000 }, () => withUnknownFields(3, 60)) };
    const first = await batch(signedRequest({ path: '/api/events/batch', body, headers: { 'Idempotency-Key': 'big-1' } }));
    expect(first.status).toBe(202);
    const firstText = JSON.stringify(first.jsonBody);
    expect(Buffer.byteLength(firstText)).toBeGreaterThan(MAX_STORED_RESPONSE_BYTES);

    const replay = await batch(signedRequest({ path: '/api/events/batch', body, headers: { 'Idempotency-Key': 'big-1' } }));
    expect(replay.status).toBe(202);
    expect(header(replay, 'Idempotent-Replayed')).toBe('true');
    expect(replay.json()).toEqual({ truncated: true, bytes: Buffer.byteLength(firstText), sha256: createHash('sha256').update(firstText).digest('hex') });
  });

  it('keeps a problem document a problem document when it has to cut it', () => {
    const body = JSON.stringify({ type: 'urn:liveops:problem:validation', title: 'Bad Request', status: 400, detail: 'd', errors: ['x'.repeat(200)] });
    const capped = capStoredResponse({ status: 400, headers: { 'content-type': 'application/problem+json' }, body }, 100);
    expect(capped.headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(JSON.parse(capped.body)).toEqual({ type: 'urn:liveops:problem:validation', title: 'Bad Request', status: 400, detail: 'd', truncated: true, bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') });
    const small = { status: 202, headers: {}, body: '{"ok":true}' };
    expect(capStoredResponse(small, 100)).toBe(small);
  });
});
