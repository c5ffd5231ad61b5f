/**
 * What the gateway needs from the outside world. Each store has an in-memory implementation (the
 * embedded default) and a Redis one; one contract suite runs against both. Every decision is one
 * atomic step (one Lua script in Redis), so concurrent requests cannot interleave inside it.
 * Time is passed in (`nowMs`), never read, so tests pin it. A Redis outage surfaces as
 * `DependencyUnavailableError('redis')` (rendered 503 + Retry-After).
 */

/** A response as stored for replay under an idempotency key. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type IdempotencyBegin =
  /** No record: this request now owns the key (an in-flight record was written). */
  | { readonly kind: 'started' }
  /** The same request is still being processed by someone else → 409. */
  | { readonly kind: 'in-flight' }
  /** The key was used for a different request (fingerprint differs) → 422. */
  | { readonly kind: 'mismatch' }
  /** The same request completed before: replay its response. */
  | { readonly kind: 'replay'; readonly response: StoredResponse };

export interface IdempotencyStore {
  /**
   * Atomically looks the key up and, when absent, claims it with an in-flight record that expires
   * after `inFlightTtlMs` (so a crashed request cannot lock the key forever).
   */
  begin(options: { readonly key: string; readonly fingerprint: string; readonly inFlightTtlMs: number; readonly nowMs: number }): Promise<IdempotencyBegin>;
  /** Replaces this request's in-flight record with its response, kept for `ttlMs`. */
  complete(options: { readonly key: string; readonly fingerprint: string; readonly response: StoredResponse; readonly ttlMs: number; readonly nowMs: number }): Promise<void>;
  /** Deletes this request's in-flight record (only if it is still this request's), so a retry can run. */
  release(options: { readonly key: string; readonly fingerprint: string; readonly nowMs: number }): Promise<void>;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface RateLimiter {
  /**
   * Token bucket: `burst` tokens, refilled at `ratePerSec`; takes `cost` tokens atomically or
   * none. When refused, `retryAfterMs` is when enough tokens will be there.
   */
  take(options: { readonly key: string; readonly ratePerSec: number; readonly burst: number; readonly cost: number; readonly nowMs: number }): Promise<RateDecision>;
}

export interface Sanction {
  readonly blockedUntilMs: number;
  readonly reason: string;
}

/** Player blocks: written by fairness (automatic) and admins, read by the gateway on every event. */
export interface SanctionStore {
  /** The active sanction, or undefined when the player is not blocked at `nowMs`. */
  activeSanction(options: { readonly playerId: string; readonly nowMs: number }): Promise<Sanction | undefined>;
  block(options: { readonly playerId: string; readonly untilMs: number; readonly reason: string; readonly nowMs: number }): Promise<void>;
  unblock(options: { readonly playerId: string }): Promise<void>;
}
