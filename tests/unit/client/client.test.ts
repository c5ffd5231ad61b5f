import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { LiveOpsClient, LiveOpsError, newEvent, type LiveOpsClientOptions } from '../../../src/client/index.js';
import { DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { canonicalString, parseSignatureHeader, verifySignature } from '../../../src/core/ingestion/signing.js';
import { accepted, fakeFetch, networkError, problem, type Reply, type SeenRequest } from './fake-fetch.js';

const NOW_MS = Date.UTC(2026, 10, 25, 8, 0, 0);
const KEY = Buffer.from(DEVELOPMENT_HMAC_KEY, 'utf8');

const event = newEvent('boss_kill', 'player_42', { bossId: 'dragon', tier: 3, points: 1500 }, { now: () => NOW_MS - 1000 });

function setup(replies: Reply[], options: Partial<LiveOpsClientOptions> = {}) {
  const { fetch, seen } = fakeFetch(...replies);
  const sleep = vi.fn((_ms: number) => Promise.resolve());
  const client = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY, fetch, sleep, now: () => NOW_MS, random: () => 0.5, ...options });
  return { client, seen, sleep };
}

function verify(request: SeenRequest, nowMs = NOW_MS) {
  return verifySignature({
    header: request.headers.get('x-signature'),
    lookupKey: (kid) => (kid === 'dev' ? KEY : undefined),
    method: request.method,
    path: request.path,
    body: request.body,
    nowS: Math.floor(nowMs / 1000),
    toleranceS: 300,
  });
}

describe('LiveOpsClient signing', () => {
  it('signs the exact bytes it sends, over the path, with t from its clock', async () => {
    const { client, seen } = setup([accepted(event.eventId)]);
    const result = await client.sendEvent(event);

    expect(result).toEqual({ eventId: event.eventId, status: 'accepted', replayed: false });
    const [request] = seen;
    expect(request?.url).toBe('http://localhost:7071/api/events');
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(Buffer.from(request?.body ?? []).toString('utf8')).toBe(JSON.stringify(event));
    expect(verify(request!)).toEqual({ ok: true, kid: 'dev' });
    expect(parseSignatureHeader(request!.headers.get('x-signature') ?? '')?.t).toBe(Math.floor(NOW_MS / 1000));
  });

  it('a byte changed after signing, or another path, fails verification', async () => {
    const { client, seen } = setup([accepted(event.eventId)]);
    await client.sendEvent(event);
    const request = seen[0]!;
    const tampered = Uint8Array.from(request.body);
    const at = tampered.length - 2;
    tampered[at] = (tampered[at] ?? 0) ^ 1;
    expect(verify({ ...request, body: tampered })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ ...request, path: '/api/events/batch' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('signs the path as sent when the base URL has a path prefix', async () => {
    const { client, seen } = setup([accepted(event.eventId)], { baseUrl: 'https://games.example.com/liveops/' });
    await client.sendEvent(event);
    expect(seen[0]?.url).toBe('https://games.example.com/liveops/api/events');
    expect(verify(seen[0]!)).toEqual({ ok: true, kid: 'dev' });
  });

  it('signs with a Uint8Array key exactly as with the same key as a string', async () => {
    const { client, seen } = setup([accepted(event.eventId)], { key: Uint8Array.from(KEY) });
    await client.sendEvent(event);
    expect(verify(seen[0]!)).toEqual({ ok: true, kid: 'dev' });
  });

  it('uses the shared canonical string (v1, t, METHOD, path, body hash)', async () => {
    const { client, seen } = setup([accepted(event.eventId)]);
    await client.sendEvent(event);
    const canonical = canonicalString({ t: Math.floor(NOW_MS / 1000), method: 'POST', path: '/api/events', body: seen[0]!.body });
    expect(canonical.split('\n').slice(0, 4)).toEqual(['v1', String(Math.floor(NOW_MS / 1000)), 'POST', '/api/events']);
  });
});

describe('LiveOpsClient retries', () => {
  it('retries a 429 after exactly the Retry-After it was given', async () => {
    const { client, seen, sleep } = setup([problem(429, 'rate-limited', { headers: { 'Retry-After': '7' } }), accepted(event.eventId)]);
    const result = await client.sendEvent(event);
    expect(result.status).toBe('accepted');
    expect(seen).toHaveLength(2);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([7000]);
  });

  it('retries a 409 (its own earlier attempt still in flight) with the same Idempotency-Key', async () => {
    const { client, seen, sleep } = setup([problem(409, 'idempotency-in-flight', { headers: { 'Retry-After': '1' } }), accepted(event.eventId)]);
    expect((await client.sendEvent(event)).status).toBe('accepted');
    expect(seen.map((r) => r.headers.get('idempotency-key'))).toEqual([seen[0]?.headers.get('idempotency-key'), seen[0]?.headers.get('idempotency-key')]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000]);
  });

  it('understands Retry-After as an HTTP-date', async () => {
    const at = new Date(NOW_MS + 3000).toUTCString();
    const { client, sleep } = setup([problem(503, 'dependency-unavailable', { headers: { 'Retry-After': at } }), accepted(event.eventId)]);
    await client.sendEvent(event);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([3000]);
  });

  it('retries a 503 with the same Idempotency-Key and a fresh signature, and reports a replay', async () => {
    let clock = NOW_MS;
    const { client, seen } = setup(
      [problem(503, 'dependency-unavailable', { headers: { 'Retry-After': '2' } }), accepted(event.eventId, { 'Idempotent-Replayed': 'true' })],
      {
        now: () => clock,
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
      },
    );
    const result = await client.sendEvent(event);

    expect(result).toEqual({ eventId: event.eventId, status: 'accepted', replayed: true });
    const [first, second] = seen as [SeenRequest, SeenRequest];
    const key = first.headers.get('idempotency-key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers.get('idempotency-key')).toBe(key);
    expect(second.headers.get('x-signature')).not.toBe(first.headers.get('x-signature'));
    expect(parseSignatureHeader(second.headers.get('x-signature') ?? '')?.t).toBe(Math.floor((NOW_MS + 2000) / 1000));
    expect(Buffer.from(second.body).equals(Buffer.from(first.body))).toBe(true);
    expect(verify(second, NOW_MS + 2000)).toEqual({ ok: true, kid: 'dev' });
  });

  it('uses the caller’s Idempotency-Key on every attempt', async () => {
    const { client, seen } = setup([networkError(), accepted(event.eventId)]);
    await client.sendEvent(event, { idempotencyKey: 'order-77' });
    expect(seen.map((r) => r.headers.get('idempotency-key'))).toEqual(['order-77', 'order-77']);
  });

  it('gives every logical call its own default Idempotency-Key', async () => {
    const { client, seen } = setup([accepted(event.eventId), accepted(event.eventId)]);
    await client.sendEvent(event);
    await client.sendEvent(event);
    expect(seen[0]?.headers.get('idempotency-key')).not.toBe(seen[1]?.headers.get('idempotency-key'));
  });

  it('retries network errors with full-jitter backoff', async () => {
    const { client, sleep } = setup([networkError(), networkError(), accepted(event.eventId)], { baseDelayMs: 100, random: () => 0.5 });
    await client.sendEvent(event);
    // attempt 0: 0.5 × min(cap, 100) = 50; attempt 1: 0.5 × 200 = 100
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([50, 100]);
  });

  for (const [status, slug] of [
    [400, 'validation'],
    [401, 'signature-stale'],
    [403, 'player-blocked'],
    [413, 'payload-too-large'],
    [422, 'idempotency-key-reused'],
    [500, 'internal'],
  ] as const) {
    it(`does not retry ${status}`, async () => {
      const { client, seen, sleep } = setup([problem(status, slug, { body: status === 403 ? { blockedUntil: '2026-11-25T08:01:00.000Z' } : {} })]);
      const error = await client.sendEvent(event).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LiveOpsError);
      const failure = error as LiveOpsError;
      expect(failure.status).toBe(status);
      expect(failure.attempts).toBe(1);
      expect(failure.problemType).toBe(`urn:liveops:problem:${slug}`);
      if (status === 403) expect(failure.problem?.blockedUntil).toBe('2026-11-25T08:01:00.000Z');
      expect(seen).toHaveLength(1);
      expect(sleep).not.toHaveBeenCalled();
    });
  }

  it('gives up after maxRetries with a LiveOpsError carrying the last status and problem', async () => {
    const unavailable = () => problem(503, 'dependency-unavailable', { headers: { 'Retry-After': '1' } });
    const { client, seen, sleep } = setup([unavailable(), unavailable(), unavailable()], { maxRetries: 2 });
    const error = (await client.sendEvent(event).catch((e: unknown) => e)) as LiveOpsError;
    expect(error).toBeInstanceOf(LiveOpsError);
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.retryAfterMs).toBe(1000);
    expect(error.problem?.type).toBe('urn:liveops:problem:dependency-unavailable');
    expect(error.message).toContain('(after 3 attempts)');
    expect(seen).toHaveLength(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('gives up after maxRetries network errors, with no status and the cause kept', async () => {
    const { client, seen } = setup([networkError(), networkError()], { maxRetries: 1 });
    const error = (await client.sendEvent(event).catch((e: unknown) => e)) as LiveOpsError;
    expect(error).toBeInstanceOf(LiveOpsError);
    expect(error.status).toBeUndefined();
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toContain('ECONNREFUSED');
    expect(seen).toHaveLength(2);
  });

  it('maxRetries 0 sends once', async () => {
    const { client, seen } = setup([problem(429, 'rate-limited', { headers: { 'Retry-After': '1' } })], { maxRetries: 0 });
    await expect(client.sendEvent(event)).rejects.toMatchObject({ status: 429, attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('does not wait out a Retry-After beyond maxDelayMs: fails at once and says when to come back', async () => {
    const { client, seen, sleep } = setup([problem(429, 'rate-limited', { headers: { 'Retry-After': '120' } })], { maxDelayMs: 30_000 });
    await expect(client.sendEvent(event)).rejects.toMatchObject({ status: 429, retryAfterMs: 120_000 });
    expect(seen).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('hands back the caller’s abort untouched and stops retrying', async () => {
    const controller = new AbortController();
    const abortingFetch: Reply = () => {
      controller.abort(new Error('game closed'));
      return new DOMException('aborted', 'AbortError');
    };
    const { client, seen } = setup([abortingFetch, accepted(event.eventId)]);
    await expect(client.sendEvent(event, { signal: controller.signal })).rejects.toThrow('aborted');
    expect(seen).toHaveLength(1);
  });

  it('a timed-out attempt counts as a network failure and is retried', async () => {
    const { client, seen } = setup([new DOMException('The operation was aborted due to timeout', 'TimeoutError'), accepted(event.eventId)]);
    await expect(client.sendEvent(event)).resolves.toMatchObject({ status: 'accepted' });
    expect(seen).toHaveLength(2);
  });

  it('describes a non-JSON error page by its status and text', async () => {
    const { client } = setup([new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } })]);
    const error = (await client.sendEvent(event).catch((e: unknown) => e)) as LiveOpsError;
    expect(error.status).toBe(502);
    expect(error.problem).toBeUndefined();
    expect(error.message).toContain('502 <html>Bad Gateway</html>');
  });

  it('refuses a 2xx whose body is not the API’s', async () => {
    const { client } = setup([new Response('{"ok":true}', { status: 202 })]);
    await expect(client.sendEvent(event)).rejects.toThrow('unexpected response body');
  });
});

describe('LiveOpsClient.sendBatch', () => {
  it('posts {events} to the batch route and returns a result per event', async () => {
    const second = newEvent('progression', 'player_7', { deltaXp: 120, activity: 'quest' }, { now: () => NOW_MS });
    const body = {
      accepted: 1,
      duplicate: 0,
      rejected: 1,
      results: [
        { eventId: event.eventId, status: 'accepted' },
        { eventId: second.eventId, status: 'rejected', problem: { type: 'urn:liveops:problem:player-blocked', title: 'Forbidden', status: 403, blockedUntil: 'x' } },
      ],
    };
    const { client, seen } = setup([new Response(JSON.stringify(body), { status: 202 })]);
    const result = await client.sendBatch([event, second]);

    expect(seen[0]?.path).toBe('/api/events/batch');
    expect(JSON.parse(Buffer.from(seen[0]!.body).toString('utf8'))).toEqual({ events: [event, second] });
    expect(verify(seen[0]!)).toEqual({ ok: true, kid: 'dev' });
    expect(result.replayed).toBe(false);
    expect(result.results).toEqual([
      { eventId: event.eventId, status: 'accepted' },
      { eventId: second.eventId, status: 'rejected', problem: expect.objectContaining({ type: 'urn:liveops:problem:player-blocked', status: 403, blockedUntil: 'x' }) as unknown },
    ]);
  });

  it('refuses an empty batch without a request', async () => {
    const { client, seen } = setup([]);
    await expect(client.sendBatch([])).rejects.toThrow(RangeError);
    expect(seen).toHaveLength(0);
  });
});

describe('LiveOpsClient options', () => {
  const base: LiveOpsClientOptions = { baseUrl: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY };
  it.each<[string, Partial<LiveOpsClientOptions>, RegExp]>([
    ['a base URL that is not a URL', { baseUrl: 'localhost' }, /baseUrl is not a URL/],
    ['a non-HTTP base URL', { baseUrl: 'ftp://x' }, /http: or https:/],
    ['a base URL with a query', { baseUrl: 'http://x/?a=1' }, /query or fragment/],
    ['an invalid kid', { kid: 'no spaces' }, /kid must match/],
    ['a key shorter than the server accepts', { key: 'short' }, /at least 32 bytes/],
    ['negative maxRetries', { maxRetries: -1 }, /maxRetries/],
    ['fractional maxRetries', { maxRetries: 1.5 }, /maxRetries/],
    ['baseDelayMs above maxDelayMs', { baseDelayMs: 5000, maxDelayMs: 100 }, /baseDelayMs must not exceed/],
    ['a zero timeout', { timeoutMs: 0 }, /timeoutMs/],
  ])('rejects %s once, in the constructor', (_name, options, message) => {
    expect(() => new LiveOpsClient({ ...base, ...options })).toThrow(message);
  });

  it('rejects an Idempotency-Key the server would refuse, before any request', async () => {
    const { client, seen } = setup([]);
    await expect(client.sendEvent(event, { idempotencyKey: 'has space' })).rejects.toThrow(/idempotencyKey/);
    expect(seen).toHaveLength(0);
  });

  it('never shows the key when inspected, stringified or serialised', () => {
    const client = new LiveOpsClient(base);
    for (const text of [inspect(client, { showHidden: true }), String(client), JSON.stringify(client)]) {
      expect(text).not.toContain(DEVELOPMENT_HMAC_KEY);
    }
  });
});

describe('newEvent', () => {
  it('fills a random UUID eventId and ts from the clock', () => {
    const a = newEvent('match_end', 'player_42', { matchId: 'm1', score: 10, durationMs: 1000 }, { now: () => 1234 });
    const b = newEvent('match_end', 'player_42', { matchId: 'm1', score: 10, durationMs: 1000 }, { now: () => 1234 });
    expect(a).toEqual({ eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) as unknown, type: 'match_end', playerId: 'player_42', ts: 1234, payload: { matchId: 'm1', score: 10, durationMs: 1000 } });
    expect(a.eventId).not.toBe(b.eventId);
    expect('season' in a).toBe(false);
  });

  it('sets season only when given', () => {
    expect(newEvent('progression', 'p_1', { deltaXp: 1, activity: 'quest' }, { season: 4 }).season).toBe(4);
  });
});

describe('LiveOpsClient abort while waiting to retry', () => {
  it('the default sleep is cut short by the caller’s abort, which surfaces with its own reason', async () => {
    const controller = new AbortController();
    const { fetch, seen } = fakeFetch(problem(503, 'dependency-unavailable', { headers: { 'Retry-After': '5' } }), accepted(event.eventId));
    const client = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY, fetch });
    const started = Date.now();
    const call = client.sendEvent(event, { signal: controller.signal });
    setTimeout(() => {
      controller.abort(new Error('player quit'));
    }, 20);
    await expect(call).rejects.toThrow('player quit');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen).toHaveLength(1);
  });
});
