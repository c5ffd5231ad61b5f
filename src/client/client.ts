import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { KID_PATTERN } from '../core/config/settings-key-rings.js';
import type { GameEvent } from '../core/ingestion/envelope.js';
import { SIGNATURE_HEADER, signRequest } from '../core/ingestion/signing.js';
import { LiveOpsError, parseProblem, toProblemDocument, type LiveOpsErrorInit, type ProblemDocument } from './errors.js';
import { fullJitterDelayMs, parseRetryAfterMs, RETRYABLE_STATUSES } from './retry.js';

export const EVENTS_PATH = '/api/events';
export const BATCH_PATH = '/api/events/batch';
export const SESSIONS_PATH = '/api/sessions';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** The part of `fetch` the client uses; the global `fetch` fits, and so does a test double. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface LiveOpsClientOptions {
  /** Where the app listens, e.g. `http://localhost:7071`; the routes (`/api/…`) are appended. */
  readonly baseUrl: string;
  /** Key id of the signing key (`dev` for the published development key). */
  readonly kid: string;
  /** The HMAC secret; a string is used as its UTF-8 bytes, exactly as the server's HMAC_KEYS ring does. */
  readonly key: string | Uint8Array;
  /**
   * The player session token, sent as `Authorization: Bearer` (DESIGN §2a). Required with a
   * client key, which then acts only for the token's player; a server key needs none.
   */
  readonly token?: string;
  readonly fetch?: FetchLike;
  /** Retries after the first attempt (default 3); 0 sends each request once. */
  readonly maxRetries?: number;
  /** First backoff ceiling (default 200 ms); doubles per retry. */
  readonly baseDelayMs?: number;
  /**
   * Longest wait between attempts (default 10 s). A Retry-After longer than this ends the call at
   * once with a LiveOpsError whose `retryAfterMs` says when to come back: a game loop is better
   * served by an answer now than by a promise that hangs for minutes.
   */
  readonly maxDelayMs?: number;
  /** Per-attempt timeout (default 10 s); a timed-out attempt counts as a network failure. */
  readonly timeoutMs?: number;
  /** Epoch milliseconds (default `Date.now`); the signature timestamp comes from it. */
  readonly now?: () => number;
  /** Uniform in [0, 1) (default `Math.random`); drives the backoff jitter. */
  readonly random?: () => number;
  /** Waits between attempts; should reject when `signal` aborts (the default does). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface CallOptions {
  /**
   * Defaults to a random UUID per call, reused by every retry of that call: a retry after a lost
   * response is then answered from the server's idempotency store instead of being run twice.
   */
  readonly idempotencyKey?: string;
  /** Aborts the call, including a pending retry. */
  readonly signal?: AbortSignal;
}

export type EventStatus = 'accepted' | 'duplicate';

export interface SendEventResult {
  readonly eventId: string;
  readonly status: EventStatus;
  /** True when the server answered from its idempotency store (`Idempotent-Replayed: true`). */
  readonly replayed: boolean;
}

export interface BatchItemResult {
  readonly eventId?: string;
  readonly status: EventStatus | 'rejected';
  /** Why the event was rejected (validation, blocked player, …). */
  readonly problem?: ProblemDocument;
}

export interface SessionResult {
  /** For `Authorization: Bearer` on the player's client-key requests. */
  readonly token: string;
  readonly playerId: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

export interface SendBatchResult {
  /** One result per event, in the order sent. */
  readonly results: readonly BatchItemResult[];
  readonly replayed: boolean;
}

interface Settings {
  readonly origin: string;
  readonly prefix: string;
  readonly kid: string;
  readonly token: string | undefined;
  readonly fetch: FetchLike;
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Reply {
  /** The path as sent, for error messages. */
  readonly path: string;
  readonly attempts: number;
  readonly status: number;
  readonly body: unknown;
  readonly replayed: boolean;
}

const MIN_KEY_BYTES = 32;

/**
 * Client of the LiveOps event gateway (DESIGN §2). Signs every attempt afresh over the exact bytes
 * it sends, keeps one Idempotency-Key across the retries of a call, and retries only what the
 * server marks as transient (429, 503) or what never got an answer.
 */
export class LiveOpsClient {
  readonly #settings: Settings;
  // Private so the secret never shows up in util.inspect, JSON.stringify or an error report.
  readonly #key: Uint8Array;

  constructor(options: LiveOpsClientOptions) {
    this.#settings = validate(options);
    this.#key = typeof options.key === 'string' ? Buffer.from(options.key, 'utf8') : Uint8Array.from(options.key);
  }

  /** `POST /api/events`: one event → `{eventId, status}`. Throws LiveOpsError when the call fails. */
  async sendEvent(event: GameEvent, options: CallOptions = {}): Promise<SendEventResult> {
    const reply = await this.#post(EVENTS_PATH, event, options);
    const { body } = reply;
    if (!isRecord(body) || typeof body.eventId !== 'string' || !isEventStatus(body.status)) {
      throw unexpected(reply);
    }
    return { eventId: body.eventId, status: body.status, replayed: reply.replayed };
  }

  /** `POST /api/events/batch`: a result per event; a rejected event does not fail the others. */
  async sendBatch(events: readonly GameEvent[], options: CallOptions = {}): Promise<SendBatchResult> {
    if (events.length === 0) throw new RangeError('sendBatch: events must not be empty');
    const reply = await this.#post(BATCH_PATH, { events }, options);
    const { body } = reply;
    const results = isRecord(body) && Array.isArray(body.results) ? body.results.map(toBatchItem) : undefined;
    if (results === undefined || results.some((r) => r === undefined)) throw unexpected(reply);
    return { results: results.filter((r): r is BatchItemResult => r !== undefined), replayed: reply.replayed };
  }

  /**
   * `POST /api/sessions` (server keys only): mints the token a game client of `playerId` then
   * sends with its client-key requests (`new LiveOpsClient({…, token})`).
   */
  async createSession(playerId: string, options: CallOptions & { readonly ttlS?: number } = {}): Promise<SessionResult> {
    const reply = await this.#post(SESSIONS_PATH, { playerId, ...(options.ttlS === undefined ? {} : { ttlS: options.ttlS }) }, options);
    const { body } = reply;
    if (!isRecord(body) || typeof body.token !== 'string' || typeof body.playerId !== 'string' || typeof body.expiresAt !== 'string') throw unexpected(reply);
    return { token: body.token, playerId: body.playerId, expiresAt: body.expiresAt };
  }

  toString(): string {
    return `LiveOpsClient(${this.#settings.origin}${this.#settings.prefix}, kid=${this.#settings.kid})`;
  }

  async #post(route: string, payload: unknown, options: CallOptions): Promise<Reply> {
    const s = this.#settings;
    const target = new URL(`${s.prefix}${route}`, s.origin);
    // What is signed is what is sent: the path exactly as on the wire, the body serialised once.
    const path = `${target.pathname}${target.search}`;
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const idempotencyKey = options.idempotencyKey ?? randomUUID();
    checkIdempotencyKey(idempotencyKey);
    const fail = (init: Omit<LiveOpsErrorInit, 'method' | 'path'>): LiveOpsError =>
      new LiveOpsError({ method: 'POST', path, ...init });

    for (let attempt = 0; ; attempt += 1) {
      options.signal?.throwIfAborted();
      const headers = {
        'Content-Type': 'application/json',
        Accept: 'application/json, application/problem+json',
        [IDEMPOTENCY_HEADER]: idempotencyKey,
        // A fresh `t` per attempt: a retry after a long Retry-After must not arrive with a stale signature.
        [SIGNATURE_HEADER]: signRequest({ kid: s.kid, key: this.#key, t: Math.floor(s.now() / 1000), method: 'POST', path, body }),
        ...(s.token === undefined ? {} : { Authorization: `Bearer ${s.token}` }),
      };
      const timeout = AbortSignal.timeout(s.timeoutMs);
      const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
      const retriesLeft = attempt < s.maxRetries;
      let response: Response;
      let text: string;
      try {
        response = await s.fetch(target.href, { method: 'POST', headers, body, signal });
        // Reading the body belongs in here: a connection that drops mid-body is a lost response too.
        text = await response.text();
      } catch (error: unknown) {
        // The caller's own abort is not a network failure: hand it back untouched.
        if (options.signal?.aborted === true) throw error;
        const failure = fail({ attempts: attempt + 1, reason: networkReason(error), cause: error });
        if (!retriesLeft) throw failure;
        await this.#pause(this.#backoff(attempt), options.signal);
        continue;
      }
      if (response.ok) {
        return { path, attempts: attempt + 1, status: response.status, body: parseJsonBody(text), replayed: response.headers.get(REPLAYED_HEADER) === 'true' };
      }
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), s.now());
      const failure = fail({
        status: response.status,
        problem: parseProblem(text),
        attempts: attempt + 1,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(text.trim() === '' ? {} : { reason: snippet(text) }),
      });
      if (!RETRYABLE_STATUSES.has(response.status) || !retriesLeft) throw failure;
      // Never earlier than the server asked (it would only refuse again); backoff when it did not say.
      const wait = retryAfterMs ?? this.#backoff(attempt);
      if (wait > s.maxDelayMs) throw failure;
      await this.#pause(wait, options.signal);
    }
  }

  /** Sleeps between attempts; an abort meanwhile surfaces as the caller's own reason, as from fetch. */
  async #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#settings.sleep(ms, signal);
    } catch (error: unknown) {
      signal?.throwIfAborted();
      throw error;
    }
  }

  #backoff(attempt: number): number {
    const s = this.#settings;
    return fullJitterDelayMs({ attempt, baseMs: s.baseDelayMs, capMs: s.maxDelayMs, random: s.random });
  }
}

/** A 2xx whose body is not what the API defines: the wrong server, or a proxy rewriting answers. */
function unexpected(reply: Reply): LiveOpsError {
  return new LiveOpsError({ method: 'POST', path: reply.path, status: reply.status, attempts: reply.attempts, reason: 'unexpected response body' });
}

function validate(options: LiveOpsClientOptions): Settings {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch (error: unknown) {
    throw new TypeError(`LiveOpsClient: baseUrl is not a URL: ${options.baseUrl}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('LiveOpsClient: baseUrl must be http: or https:');
  if (url.search !== '' || url.hash !== '') throw new TypeError('LiveOpsClient: baseUrl must not have a query or fragment');
  if (!KID_PATTERN.test(options.kid)) throw new TypeError(`LiveOpsClient: kid must match ${KID_PATTERN.source}`);
  const keyBytes = typeof options.key === 'string' ? Buffer.byteLength(options.key, 'utf8') : options.key.byteLength;
  // The server refuses shorter keys in its ring, so such a key could never produce a valid signature.
  if (keyBytes < MIN_KEY_BYTES) throw new RangeError(`LiveOpsClient: key must be at least ${MIN_KEY_BYTES} bytes`);
  const baseDelayMs = positive('baseDelayMs', options.baseDelayMs ?? 200);
  const maxDelayMs = positive('maxDelayMs', options.maxDelayMs ?? 10_000);
  if (baseDelayMs > maxDelayMs) throw new RangeError('LiveOpsClient: baseDelayMs must not exceed maxDelayMs');
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 20) throw new RangeError('LiveOpsClient: maxRetries must be an integer 0..20');
  const fetchFn = options.fetch ?? globalThis.fetch;
  return {
    origin: url.origin,
    prefix: url.pathname.replace(/\/+$/, ''),
    kid: options.kid,
    token: checkToken(options.token),
    fetch: fetchFn,
    maxRetries,
    baseDelayMs,
    maxDelayMs,
    timeoutMs: positive('timeoutMs', options.timeoutMs ?? 10_000),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal })),
  };
}

/** A JWT's three base64url parts; anything else could never pass and might be a pasted secret. */
function checkToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new TypeError('LiveOpsClient: token must be a JWT (three base64url parts)');
  return token;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`LiveOpsClient: ${name} must be a positive number`);
  return value;
}

/** The server's rule (1–255 visible ASCII); checked here so a bad key fails before any request. */
function checkIdempotencyKey(key: string): void {
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new RangeError('idempotencyKey must be 1-255 visible ASCII characters');
}

function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'request timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `network error (${error.message}${cause})` : 'network error';
}

function parseJsonBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    // A 2xx that is not JSON is a broken proxy or the wrong server; the caller reports it as unexpected.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventStatus(value: unknown): value is EventStatus {
  return value === 'accepted' || value === 'duplicate';
}

function toBatchItem(value: unknown): BatchItemResult | undefined {
  if (!isRecord(value)) return undefined;
  const { eventId, status, problem } = value;
  if (!(isEventStatus(status) || status === 'rejected')) return undefined;
  const parsedProblem = toProblemDocument(problem);
  return {
    ...(typeof eventId === 'string' ? { eventId } : {}),
    status,
    ...(parsedProblem === undefined ? {} : { problem: parsedProblem }),
  };
}
