import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../../src/core/ingestion/ingestion.js';
import { sha256Hex } from '../../../src/core/ingestion/signing.js';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, header, newEventBody, NOW_MS, signedRequest } from '../../support/gateway.js';

const ADMIN_KEY = 'game-server-key-0123456789abcdef0123456789';

describe('POST /api/events', () => {
  it('accepts a signed event: 202, published once with messageId, sessionId and properties', async () => {
    const { app, sent } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const body = newEventBody();
    const res = await post(signedRequest({ body, headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }));
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ eventId: body.eventId, status: 'accepted' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      messageId: body.eventId,
      sessionId: 'player_42',
      body: { ...body, season: 1 },
      applicationProperties: { type: 'boss_kill', playerId: 'player_42', season: 1, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
  });

  it('starts a new trace when the request has no valid traceparent', async () => {
    const { app, sent } = gatewayHarness();
    await handlerOf(postEvent, app)(signedRequest({ body: newEventBody(), headers: { traceparent: 'garbage' } }));
    expect(sent[0]?.applicationProperties.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('answers a re-sent eventId with 202 duplicate and publishes nothing more', async () => {
    const { app, sent } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const body = newEventBody();
    expect((await post(signedRequest({ body }))).json()).toMatchObject({ status: 'accepted' });
    const again = await post(signedRequest({ body }));
    expect(again.status).toBe(202);
    expect(again.json()).toEqual({ eventId: body.eventId, status: 'duplicate' });
    expect(sent).toHaveLength(1);
  });

  it('remembers an eventId as long as fairness remembers its verdict: a reused id on day 2 and day 6 is a duplicate (issue #19 item 1)', async () => {
    let now = NOW_MS;
    const { app, sent } = gatewayHarness({}, () => now);
    const post = handlerOf(postEvent, app);
    const eventId = '3b0f6a52-8c7e-4d1a-9b3f-5e2d7c1a0f64';
    expect((await post(signedRequest({ body: newEventBody({ eventId, type: 'progression', payload: { deltaXp: 1, activity: 'quest' } }) }))).json()).toMatchObject({ status: 'accepted' });
    for (const laterMs of [25 * 3600_000, 6 * 24 * 3600_000]) {
      now = NOW_MS + laterMs;
      const forged = newEventBody({ eventId, type: 'match_end', ts: now - 1_000, payload: { matchId: 'm1', score: 1_000_000, durationMs: 60_000 } });
      const res = await post(signedRequest({ body: forged, tS: Math.floor(now / 1000) }));
      expect(res.json()).toEqual({ eventId, status: 'duplicate' });
    }
    expect(sent).toHaveLength(1);
  });

  describe('signatures: 401 with one problem type per reason', () => {
    const cases: [string, (body: unknown) => HttpRequest, string][] = [
      ['missing', (body) => new HttpRequest({ method: 'POST', url: 'http://localhost/api/events', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify(body) } }), 'signature-missing'],
      ['malformed', (body) => signedRequest({ body, headers: { 'x-signature': 't=abc,kid=dev,v1=zz' } }), 'signature-malformed'],
      ['unknown key', (body) => signedRequest({ body, kid: 'nobody' }), 'signature-unknown-key'],
      ['stale', (body) => signedRequest({ body, tS: Math.floor(NOW_MS / 1000) - 301 }), 'signature-stale'],
      ['mismatch', (body) => signedRequest({ body, signBody: '{"tampered":true}' }), 'signature-mismatch'],
      ['wrong key material', (body) => signedRequest({ body, key: 'x'.repeat(48) }), 'signature-mismatch'],
    ];
    for (const [name, build, type] of cases) {
      it(name, async () => {
        const { app, sent } = gatewayHarness();
        const res = await handlerOf(postEvent, app)(build(newEventBody()));
        expect(res.status).toBe(401);
        expect(header(res, 'content-type')).toBe('application/problem+json');
        expect(res.json().type).toBe(`urn:liveops:problem:${type}`);
        expect(sent).toHaveLength(0);
      });
    }

    it('accepts a signature at the edge of the tolerance window and any live key of the ring', async () => {
      const { app } = gatewayHarness({ HMAC_KEYS: JSON.stringify({ dev: 'liveops-dev-key-0000000000000000-not-for-production', game: ADMIN_KEY }), SERVER_KEY_IDS: 'dev,game' });
      const post = handlerOf(postEvent, app);
      expect((await post(signedRequest({ body: newEventBody(), tS: Math.floor(NOW_MS / 1000) - 300 }))).status).toBe(202);
      expect((await post(signedRequest({ body: newEventBody(), kid: 'game', key: ADMIN_KEY }))).status).toBe(202);
    });
  });

  describe('request limits', () => {
    it('415 for a body that is not declared JSON', async () => {
      const { app } = gatewayHarness();
      const res = await handlerOf(postEvent, app)(signedRequest({ body: newEventBody(), headers: { 'content-type': 'text/plain' } }));
      expect(res.status).toBe(415);
      expect(res.json().type).toBe('urn:liveops:problem:unsupported-media-type');
    });

    it('413 by the declared Content-Length and by the bytes actually read', async () => {
      const { app } = gatewayHarness({ MAX_BODY_BYTES: '256' });
      const post = handlerOf(postEvent, app);
      const declared = await post(signedRequest({ body: newEventBody(), headers: { 'content-length': '100000' } }));
      expect(declared.status).toBe(413);
      const big = newEventBody({ payload: { bossId: 'x'.repeat(400), tier: 1, points: 1 } });
      const read = await post(signedRequest({ body: big, headers: { 'content-length': '10' } }));
      expect(read.status).toBe(413);
    });

    it('400 invalid-json for bytes that are not JSON', async () => {
      const { app } = gatewayHarness();
      const res = await handlerOf(postEvent, app)(signedRequest({ body: '{"eventId":' }));
      expect(res.status).toBe(400);
      expect(res.json().type).toBe('urn:liveops:problem:invalid-json');
    });

    it('400 with errors [{path, message}] for unknown fields, bad payloads and stale or future timestamps', async () => {
      const { app } = gatewayHarness();
      const post = handlerOf(postEvent, app);
      const unknown = await post(signedRequest({ body: newEventBody({ cheat: true }) }));
      expect(unknown.status).toBe(400);
      expect(unknown.json().errors).toEqual([{ path: '', message: 'unknown field: cheat' }]);
      const badPayload = await post(signedRequest({ body: newEventBody({ payload: { bossId: 'dragon', tier: 11, points: -1 } }) }));
      expect((badPayload.json().errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['payload.points', 'payload.tier']);
      const old = await post(signedRequest({ body: newEventBody({ ts: NOW_MS - 86_401_000 }) }));
      expect(old.json().errors).toEqual([{ path: 'ts', message: 'ts is older than EVENT_MAX_AGE_S (86400 s)' }]);
      const future = await post(signedRequest({ body: newEventBody({ ts: NOW_MS + 301_000 }) }));
      expect(future.status).toBe(400);
    });

    it('honours PAYLOAD_MAX from settings', async () => {
      const { app } = gatewayHarness({ PAYLOAD_MAX: '{"boss_kill.points":1000}' });
      const res = await handlerOf(postEvent, app)(signedRequest({ body: newEventBody() }));
      expect(res.status).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'payload.points' })]);
    });
  });

  it('403 with blockedUntil while the player is sanctioned', async () => {
    const { app, sent } = gatewayHarness();
    await app.stores.sanctions.block({ playerId: 'player_42', untilMs: NOW_MS + 60_000, reason: 'test', nowMs: NOW_MS });
    const res = await handlerOf(postEvent, app)(signedRequest({ body: newEventBody() }));
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ type: 'urn:liveops:problem:player-blocked', blockedUntil: new Date(NOW_MS + 60_000).toISOString() });
    expect(sent).toHaveLength(0);
  });

  it('429 with Retry-After once the player bucket is empty', async () => {
    const { app } = gatewayHarness({ RATE_LIMIT_PLAYER_BURST: '2', RATE_LIMIT_PLAYER_PER_SEC: '1' });
    const post = handlerOf(postEvent, app);
    expect((await post(signedRequest({ body: newEventBody() }))).status).toBe(202);
    expect((await post(signedRequest({ body: newEventBody() }))).status).toBe(202);
    const limited = await post(signedRequest({ body: newEventBody() }));
    expect(limited.status).toBe(429);
    expect(header(limited, 'retry-after')).toBe('1');
    expect((await post(signedRequest({ body: newEventBody({ playerId: 'other_player' }) }))).status).toBe(202);
  });

  it('503 with Retry-After when publishing fails, and the event can be retried afterwards', async () => {
    const harness = gatewayHarness();
    const post = handlerOf(postEvent, harness.app);
    const body = newEventBody();
    harness.failSends(1);
    const failed = await post(signedRequest({ body }));
    expect(failed.status).toBe(503);
    expect(header(failed, 'retry-after')).toBe('5');
    expect(harness.sent).toHaveLength(0);
    const retried = await post(signedRequest({ body }));
    expect(retried.json()).toMatchObject({ status: 'accepted' });
    expect(harness.sent).toHaveLength(1);
  });
});

describe('POST /api/events with Idempotency-Key', () => {
  it('replays the stored response with Idempotent-Replayed: true', async () => {
    const { app, sent } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const body = newEventBody();
    const first = await post(signedRequest({ body, headers: { 'idempotency-key': 'k-1' } }));
    const second = await post(signedRequest({ body, headers: { 'idempotency-key': 'k-1' } }));
    expect(second.status).toBe(first.status);
    expect(second.json()).toEqual(first.json());
    expect(header(second, 'idempotent-replayed')).toBe('true');
    expect(sent).toHaveLength(1);
  });

  it('422 when the key is reused for a different request', async () => {
    const { app } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    await post(signedRequest({ body: newEventBody(), headers: { 'idempotency-key': 'k-2' } }));
    const other = await post(signedRequest({ body: newEventBody(), headers: { 'idempotency-key': 'k-2' } }));
    expect(other.status).toBe(422);
    expect(other.json().type).toBe('urn:liveops:problem:idempotency-key-reused');
  });

  it('409 while the same request is in flight', async () => {
    const { app } = gatewayHarness();
    const body = JSON.stringify(newEventBody());
    const fingerprint = requestFingerprint({ method: 'POST', path: '/api/events', bodySha256Hex: sha256Hex(Buffer.from(body)) });
    await app.stores.idempotency.begin({ key: 'key:dev:k-3', fingerprint, inFlightTtlMs: 30_000, nowMs: NOW_MS });
    const res = await handlerOf(postEvent, app)(signedRequest({ body, headers: { 'idempotency-key': 'k-3' } }));
    expect(res.status).toBe(409);
  });

  it('50 simultaneous requests with one key publish exactly one message', async () => {
    const { app, sent } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const body = newEventBody();
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(signedRequest({ body, headers: { 'idempotency-key': 'same' } }))));
    expect(sent).toHaveLength(1);
    expect(responses.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    expect(responses.filter((r) => r.status === 202 && header(r, 'idempotent-replayed') === null)).toHaveLength(1);
  });

  it('releases the key when publishing fails, so the retry publishes', async () => {
    const harness = gatewayHarness();
    const post = handlerOf(postEvent, harness.app);
    const body = newEventBody();
    harness.failSends(1);
    expect((await post(signedRequest({ body, headers: { 'idempotency-key': 'k-4' } }))).status).toBe(503);
    const retry = await post(signedRequest({ body, headers: { 'idempotency-key': 'k-4' } }));
    expect(retry.status).toBe(202);
    expect(header(retry, 'idempotent-replayed')).toBeNull();
    expect(harness.sent).toHaveLength(1);
  });

  it('a replayed signed request within the window is replayed, never published twice', async () => {
    const { app, sent } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const request = (): HttpRequest => signedRequest({ body: newEventBodyFixed, headers: { 'idempotency-key': 'captured' } });
    await post(request());
    const replay = await post(request());
    expect(header(replay, 'idempotent-replayed')).toBe('true');
    expect(sent).toHaveLength(1);
  });
});

const newEventBodyFixed = newEventBody({ eventId: '7d0c2a4e-5f1b-4c2e-9a57-2f0e6b1c9d3a' });

describe('Idempotency-Key and transient refusals', () => {
  it('does not remember a 403 for a blocked player: the same request succeeds once the block ends', async () => {
    let now = NOW_MS;
    const { app, sent } = gatewayHarness({}, () => now);
    const post = handlerOf(postEvent, app);
    const body = newEventBody();
    await app.stores.sanctions.block({ playerId: 'player_42', untilMs: NOW_MS + 10_000, reason: 'test', nowMs: NOW_MS });
    expect((await post(signedRequest({ body, headers: { 'idempotency-key': 'after-block' } }))).status).toBe(403);
    now = NOW_MS + 10_000;
    const later = await post(signedRequest({ body, headers: { 'idempotency-key': 'after-block' }, tS: Math.floor(now / 1000) }));
    expect(later.status).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('remembers a 400 and replays it', async () => {
    const { app } = gatewayHarness();
    const post = handlerOf(postEvent, app);
    const body = newEventBody({ extra: 1 });
    expect((await post(signedRequest({ body, headers: { 'idempotency-key': 'bad' } }))).status).toBe(400);
    const again = await post(signedRequest({ body, headers: { 'idempotency-key': 'bad' } }));
    expect(again.status).toBe(400);
    expect(header(again, 'idempotent-replayed')).toBe('true');
    expect(again.json().type).toBe('urn:liveops:problem:validation');
  });
});
