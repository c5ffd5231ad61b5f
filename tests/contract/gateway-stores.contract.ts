import { describe, expect, it } from 'vitest';
import type { GatewayStores } from '../../src/app/app-context.js';

/**
 * One contract for the gateway's stores, run against the in-memory implementation (unit) and the
 * Redis one (integration), so the embedded default and production cannot drift. Time is pinned:
 * 2026-11-25T08:00:00Z, and every expiry is driven by passing a later `nowMs`.
 */
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const RESPONSE = { status: 202, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };

export function gatewayStoresContract(name: string, make: () => Promise<GatewayStores> | GatewayStores): void {
  describe(`${name}: idempotency store`, () => {
    it('starts once, then reports in-flight, then replays after complete', async () => {
      const { idempotency } = await make();
      expect(await idempotency.begin({ key: 'a', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 })).toEqual({ kind: 'started' });
      expect(await idempotency.begin({ key: 'a', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 + 1 })).toEqual({ kind: 'in-flight' });
      await idempotency.complete({ key: 'a', fingerprint: 'f', response: RESPONSE, ttlMs: 60_000, nowMs: T0 + 2 });
      expect(await idempotency.begin({ key: 'a', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 + 3 })).toEqual({ kind: 'replay', response: RESPONSE });
    });

    it('reports a different fingerprint as a mismatch, in flight or done', async () => {
      const { idempotency } = await make();
      await idempotency.begin({ key: 'b', fingerprint: 'f1', inFlightTtlMs: 30_000, nowMs: T0 });
      expect(await idempotency.begin({ key: 'b', fingerprint: 'f2', inFlightTtlMs: 30_000, nowMs: T0 })).toEqual({ kind: 'mismatch' });
      await idempotency.complete({ key: 'b', fingerprint: 'f1', response: RESPONSE, ttlMs: 60_000, nowMs: T0 });
      expect(await idempotency.begin({ key: 'b', fingerprint: 'f2', inFlightTtlMs: 30_000, nowMs: T0 })).toEqual({ kind: 'mismatch' });
    });

    it('lets an in-flight record expire so a crashed request cannot lock the key forever', async () => {
      const { idempotency } = await make();
      await idempotency.begin({ key: 'c', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 });
      expect(await idempotency.begin({ key: 'c', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 + 30_000 })).toEqual({ kind: 'started' });
    });

    it('ignores complete from another fingerprint; release frees the key for a retry', async () => {
      const { idempotency } = await make();
      await idempotency.begin({ key: 'd', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 });
      await idempotency.complete({ key: 'd', fingerprint: 'other', response: RESPONSE, ttlMs: 60_000, nowMs: T0 });
      await idempotency.release({ key: 'd', fingerprint: 'other', nowMs: T0 });
      expect(await idempotency.begin({ key: 'd', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 })).toEqual({ kind: 'in-flight' });
      await idempotency.release({ key: 'd', fingerprint: 'f', nowMs: T0 });
      expect(await idempotency.begin({ key: 'd', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 })).toEqual({ kind: 'started' });
    });

    it('forgets a completed response after its ttl, and release never deletes a completed one', async () => {
      const { idempotency } = await make();
      await idempotency.begin({ key: 'e', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 });
      await idempotency.complete({ key: 'e', fingerprint: 'f', response: RESPONSE, ttlMs: 60_000, nowMs: T0 });
      await idempotency.release({ key: 'e', fingerprint: 'f', nowMs: T0 });
      expect((await idempotency.begin({ key: 'e', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 + 59_999 })).kind).toBe('replay');
      expect((await idempotency.begin({ key: 'e', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 + 60_000 })).kind).toBe('started');
    });

    it('50 concurrent begins with one key: exactly one started', async () => {
      const { idempotency } = await make();
      const results = await Promise.all(Array.from({ length: 50 }, () => idempotency.begin({ key: 'race', fingerprint: 'f', inFlightTtlMs: 30_000, nowMs: T0 })));
      expect(results.filter((r) => r.kind === 'started')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'in-flight')).toHaveLength(49);
    });
  });

  describe(`${name}: rate limiter`, () => {
    it('allows the burst, then refuses with the time until enough tokens are back', async () => {
      const { rateLimiter } = await make();
      const take = (nowMs: number, cost = 1) => rateLimiter.take({ key: 'p1', ratePerSec: 2, burst: 3, cost, nowMs });
      expect(await take(T0)).toEqual({ allowed: true });
      expect(await take(T0)).toEqual({ allowed: true });
      expect(await take(T0)).toEqual({ allowed: true });
      expect(await take(T0)).toEqual({ allowed: false, retryAfterMs: 500 });
      expect(await take(T0 + 500)).toEqual({ allowed: true });
      expect(await take(T0 + 500)).toEqual({ allowed: false, retryAfterMs: 500 });
      // Refill is capped at the burst: a long pause does not bank more than 3 tokens.
      expect(await take(T0 + 3_600_000, 3)).toEqual({ allowed: true });
      expect((await take(T0 + 3_600_000)).allowed).toBe(false);
    });

    it('takes all of a cost or nothing, and refuses a cost above the burst', async () => {
      const { rateLimiter } = await make();
      expect(await rateLimiter.take({ key: 'p2', ratePerSec: 1, burst: 5, cost: 4, nowMs: T0 })).toEqual({ allowed: true });
      expect(await rateLimiter.take({ key: 'p2', ratePerSec: 1, burst: 5, cost: 2, nowMs: T0 })).toEqual({ allowed: false, retryAfterMs: 1_000 });
      expect(await rateLimiter.take({ key: 'p2', ratePerSec: 1, burst: 5, cost: 1, nowMs: T0 })).toEqual({ allowed: true });
      expect(await rateLimiter.take({ key: 'p3', ratePerSec: 1, burst: 5, cost: 6, nowMs: T0 })).toEqual({ allowed: false, retryAfterMs: 5_000 });
    });

    it('keeps keys independent and never exceeds the burst under concurrency', async () => {
      const { rateLimiter } = await make();
      const results = await Promise.all(Array.from({ length: 40 }, () => rateLimiter.take({ key: 'hot', ratePerSec: 1, burst: 10, cost: 1, nowMs: T0 })));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      expect(await rateLimiter.take({ key: 'cold', ratePerSec: 1, burst: 10, cost: 1, nowMs: T0 })).toEqual({ allowed: true });
    });
  });

  describe(`${name}: sanction store`, () => {
    it('blocks until the given instant, then the sanction is gone', async () => {
      const { sanctions } = await make();
      await sanctions.block({ playerId: 'cheater', untilMs: T0 + 60_000, reason: 'flags', nowMs: T0 });
      expect(await sanctions.activeSanction({ playerId: 'cheater', nowMs: T0 + 59_999 })).toEqual({ blockedUntilMs: T0 + 60_000, reason: 'flags' });
      expect(await sanctions.activeSanction({ playerId: 'cheater', nowMs: T0 + 60_000 })).toBeUndefined();
      expect(await sanctions.activeSanction({ playerId: 'honest', nowMs: T0 })).toBeUndefined();
    });

    it('never shortens a longer block; unblock lifts it', async () => {
      const { sanctions } = await make();
      await sanctions.block({ playerId: 'p', untilMs: T0 + 600_000, reason: 'admin', nowMs: T0 });
      await sanctions.block({ playerId: 'p', untilMs: T0 + 60_000, reason: 'auto', nowMs: T0 });
      expect(await sanctions.activeSanction({ playerId: 'p', nowMs: T0 })).toEqual({ blockedUntilMs: T0 + 600_000, reason: 'admin' });
      await sanctions.block({ playerId: 'p', untilMs: T0 + 900_000, reason: 'repeat', nowMs: T0 });
      expect((await sanctions.activeSanction({ playerId: 'p', nowMs: T0 }))?.reason).toBe('repeat');
      await sanctions.unblock({ playerId: 'p' });
      expect(await sanctions.activeSanction({ playerId: 'p', nowMs: T0 })).toBeUndefined();
    });
  });
}
