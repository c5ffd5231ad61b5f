import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../core/ingestion/ports.js';
import { ExpiringMap } from './expiring-map.js';

type IdempotencyRecord =
  | { readonly state: 'in-flight'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly response: StoredResponse };

/**
 * Idempotency records in process memory. Each method runs without an `await`, so a decision is
 * atomic like the Redis script. A record expired by the caller's clock reads as absent.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new ExpiringMap<IdempotencyRecord>();

  begin(options: { key: string; fingerprint: string; inFlightTtlMs: number; nowMs: number }): Promise<IdempotencyBegin> {
    const { key, fingerprint, inFlightTtlMs, nowMs } = options;
    const record = this.#records.get(key, nowMs);
    if (record === undefined) {
      this.#records.set(key, { state: 'in-flight', fingerprint }, nowMs + inFlightTtlMs, nowMs);
      return Promise.resolve({ kind: 'started' });
    }
    // A different request is a mismatch whether or not the first one has finished.
    if (record.fingerprint !== fingerprint) return Promise.resolve({ kind: 'mismatch' });
    return Promise.resolve(record.state === 'done' ? { kind: 'replay', response: record.response } : { kind: 'in-flight' });
  }

  complete(options: { key: string; fingerprint: string; response: StoredResponse; ttlMs: number; nowMs: number }): Promise<void> {
    const { key, fingerprint, response, ttlMs, nowMs } = options;
    const record = this.#records.get(key, nowMs);
    // Only the owner of a live in-flight record completes it: once it expired, another request may
    // own the key, and its outcome must not be overwritten.
    if (record?.state === 'in-flight' && record.fingerprint === fingerprint) {
      const copy: StoredResponse = { status: response.status, headers: { ...response.headers }, body: response.body };
      this.#records.set(key, { state: 'done', fingerprint, response: copy }, nowMs + ttlMs, nowMs);
    }
    return Promise.resolve();
  }

  release(options: { key: string; fingerprint: string; nowMs: number }): Promise<void> {
    const record = this.#records.get(options.key, options.nowMs);
    if (record?.state === 'in-flight' && record.fingerprint === options.fingerprint) this.#records.delete(options.key);
    return Promise.resolve();
  }
}
