import { createHash } from 'node:crypto';
import type { HttpResponseInit } from '@azure/functions';
import { ClientError, problems } from '../../core/errors/errors.js';
import type { IdempotencyStore, StoredResponse } from '../../core/ingestion/ports.js';
// The same bound as the eventId claims: how long a crashed request can hold a key.
import { IN_FLIGHT_TTL_MS } from '../../core/ingestion/ingestion.js';
import { problemResponse } from '../http/problem-response.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/**
 * Responses bigger than this are stored as a digest, not whole (issue #19 item 2): every stored
 * response sits in Redis for IDEMPOTENCY_TTL_S, so its size is what a fresh key costs the store.
 * 64 KiB holds the 202 of a full default batch (500 accepted events, ~40 KB).
 */
export const MAX_STORED_RESPONSE_BYTES = 64 * 1024;


export interface IdempotentRun {
  /**
   * Runs `handle` at most once per (scope, Idempotency-Key): a repeat of the same request gets the
   * stored response with `Idempotent-Replayed: true`, a different request under the key 422, a
   * repeat while the first runs 409. Without the header, `handle` just runs.
   */
  (options: {
    readonly key: string | null;
    /** Whose key space: the kid for server keys, kid and player for client keys (DESIGN §2a). */
    readonly scope: string;
    readonly fingerprint: string;
    readonly nowMs: () => number;
    readonly handle: () => Promise<HttpResponseInit>;
  }): Promise<HttpResponseInit>;
}

export function idempotency(options: { readonly store: IdempotencyStore; readonly ttlS: number }): IdempotentRun {
  const { store } = options;
  const ttlMs = options.ttlS * 1000;
  if (!(ttlMs > IN_FLIGHT_TTL_MS)) throw new Error('idempotency: ttlS must exceed the in-flight timeout');
  return async ({ key: header, scope, fingerprint, nowMs, handle }) => {
    if (header === null) return handle();
    if (header.length < 1 || header.length > 255 || !/^[\x21-\x7e]+$/.test(header)) {
      throw problems.validation([{ path: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1-255 visible ASCII characters' }]);
    }
    // Scoped per signing key (and per player for client keys): two games, or two players sharing a
    // client key, may pick the same key without colliding.
    const key = `key:${scope}:${header}`;
    const begin = await store.begin({ key, fingerprint, inFlightTtlMs: IN_FLIGHT_TTL_MS, nowMs: nowMs() });
    if (begin.kind === 'in-flight') throw problems.idempotencyInFlight();
    if (begin.kind === 'mismatch') throw problems.idempotencyMismatch();
    if (begin.kind === 'replay') return fromStoredResponse(begin.response);

    let response: HttpResponseInit;
    try {
      response = await handle();
    } catch (error: unknown) {
      if (error instanceof ClientError && isFinal(error.problem.status)) {
        // A definitive refusal (400, 403, …) is remembered like a success: the same request would get it again.
        await store.complete({ key, fingerprint, response: capStoredResponse(storedProblem(error)), ttlMs, nowMs: nowMs() });
      } else {
        await store.release({ key, fingerprint, nowMs: nowMs() });
      }
      throw error;
    }
    if (isFinal(response.status ?? 200)) {
      await store.complete({ key, fingerprint, response: capStoredResponse(toStoredResponse(response)), ttlMs, nowMs: nowMs() });
    } else {
      await store.release({ key, fingerprint, nowMs: nowMs() });
    }
    return response;
  };
}

/**
 * 403 (a block ends), 409, 429 and 5xx are transient: the key is released so that a retry runs
 * again. Everything else the same request would get again, so it is stored and replayed.
 */
function isFinal(status: number): boolean {
  return status < 500 && status !== 403 && status !== 409 && status !== 429;
}

export function toStoredResponse(response: HttpResponseInit): StoredResponse {
  const headers: Record<string, string> = {};
  new Headers(response.headers).forEach((value, name) => {
    headers[name] = value;
  });
  if (response.jsonBody !== undefined) {
    headers['content-type'] ??= 'application/json';
    return { status: response.status ?? 200, headers, body: JSON.stringify(response.jsonBody) };
  }
  return { status: response.status ?? 200, headers, body: typeof response.body === 'string' ? response.body : '' };
}

/**
 * Above MAX_STORED_RESPONSE_BYTES only the status, the headers and a digest of the body are kept:
 * a replay answers the same status with `{truncated, bytes, sha256}` (and a problem's type, title
 * and detail, so it stays a problem document) instead of per-item detail the store cannot afford.
 */
export function capStoredResponse(stored: StoredResponse, maxBytes = MAX_STORED_RESPONSE_BYTES): StoredResponse {
  const bytes = Buffer.byteLength(stored.body);
  if (bytes <= maxBytes) return stored;
  const digest = { truncated: true, bytes, sha256: createHash('sha256').update(stored.body).digest('hex') };
  return { status: stored.status, headers: stored.headers, body: JSON.stringify({ ...problemHead(stored.body), ...digest }) };
}

const PROBLEM_HEAD = new Set(['type', 'title', 'status', 'detail']);

/** type, title, status and detail of a problem body; nothing for any other body. */
function problemHead(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error: unknown) {
    // Not JSON (nothing we render, but a handler may): then there is no head worth keeping.
    if (error instanceof SyntaxError) return {};
    throw error;
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  return Object.fromEntries(Object.entries(parsed).filter(([field]) => PROBLEM_HEAD.has(field)));
}

function storedProblem(error: ClientError): StoredResponse {
  return toStoredResponse(problemResponse(error.problem));
}

export function fromStoredResponse(stored: StoredResponse): HttpResponseInit {
  return { status: stored.status, headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' }, body: stored.body };
}
