import { createHash } from 'node:crypto';
import { DependencyUnavailableError, problems, type ClientError, type ProblemDetails } from '../errors/errors.js';
import type { OutgoingMessage, Publisher } from '../messaging/bus.js';
import type { AcceptedEvent } from './envelope.js';
import type { IdempotencyStore, RateLimiter, SanctionStore } from './ports.js';

export interface IngestionOptions {
  readonly idempotency: IdempotencyStore;
  readonly rateLimiter: RateLimiter;
  readonly sanctions: SanctionStore;
  readonly publisher: Publisher;
  readonly ingressQueue: string;
  readonly limits: {
    readonly rateLimitPlayerPerSec: number;
    readonly rateLimitPlayerBurst: number;
    readonly rateLimitKeyPerSec: number;
    /** How long an accepted eventId is remembered for deduplication. */
    readonly dedupTtlMs: number;
  };
}

export type EventStatus = 'accepted' | 'duplicate';

export type BatchResult =
  | { readonly eventId: string; readonly status: EventStatus }
  | { readonly eventId: string | undefined; readonly status: 'rejected'; readonly problem: ProblemDetails };

/** Bounds how long a crashed request can hold an eventId (publishing is far faster than this). */
export const IN_FLIGHT_TTL_MS = 30_000;

/**
 * Admits validated events onto the ingress queue exactly once (DESIGN §2, §3): player sanctions,
 * token buckets per key and per player, eventId deduplication, then publishing with
 * `messageId = eventId` and `sessionId = playerId`. Everything it needs is a port, so it runs the
 * same on the in-memory stores and on Redis.
 */
export class Ingestion {
  readonly #o: IngestionOptions;

  constructor(options: IngestionOptions) {
    const { limits } = options;
    if (!(limits.rateLimitPlayerPerSec > 0 && limits.rateLimitKeyPerSec > 0 && limits.rateLimitPlayerBurst >= 1 && limits.dedupTtlMs > 0)) {
      throw new Error('Ingestion: rate limits and dedupTtlMs must be positive');
    }
    this.#o = options;
  }

  /**
   * The signing key's bucket; its burst is one second of its rate. Throws 429. The gateway takes
   * these tokens itself, before it parses or validates anything (issue #19 item 2): a key that
   * sends garbage pays for it like a key that sends events, so invalid requests cannot flood
   * Redis with stored refusals faster than valid ones could.
   */
  async takeKeyTokens(options: { readonly kid: string; readonly cost: number; readonly nowMs: number }): Promise<void> {
    const rate = this.#o.limits.rateLimitKeyPerSec;
    const decision = await this.#o.rateLimiter.take({ key: `key:${options.kid}`, ratePerSec: rate, burst: Math.max(rate, options.cost), cost: options.cost, nowMs: options.nowMs });
    if (!decision.allowed) throw problems.rateLimited('key', decision.retryAfterMs);
  }

  /** Blocked players → 403 with blockedUntil; over their bucket → 429. Returns the error, never throws one. */
  async checkPlayer(options: { readonly playerId: string; readonly cost: number; readonly nowMs: number }): Promise<ClientError | undefined> {
    const sanction = await this.#o.sanctions.activeSanction({ playerId: options.playerId, nowMs: options.nowMs });
    if (sanction !== undefined) return problems.playerBlocked(sanction.blockedUntilMs);
    const { rateLimitPlayerPerSec, rateLimitPlayerBurst } = this.#o.limits;
    const decision = await this.#o.rateLimiter.take({
      key: `player:${options.playerId}`,
      ratePerSec: rateLimitPlayerPerSec,
      burst: rateLimitPlayerBurst,
      cost: options.cost,
      nowMs: options.nowMs,
    });
    return decision.allowed ? undefined : problems.rateLimited('player', decision.retryAfterMs);
  }

  /** One event (key tokens already taken): checks, dedup, publish. Throws the client error or a 503. */
  async acceptOne(options: { readonly event: AcceptedEvent; readonly traceparent: string; readonly nowMs: number }): Promise<EventStatus> {
    const { event, nowMs } = options;
    const refusal = await this.checkPlayer({ playerId: event.playerId, cost: 1, nowMs });
    if (refusal !== undefined) throw refusal;
    const claim = await this.#claim(event, nowMs);
    if (claim === 'in-flight') throw problems.idempotencyInFlight();
    if (claim === 'duplicate') return 'duplicate';
    await this.#publish([event], options.traceparent, nowMs);
    return 'accepted';
  }

  /**
   * Several already-validated events (key tokens already taken, one per event of the request).
   * Player checks and duplicates are decided per event. All new events go out in one
   * send; if it fails, every claim is released and the request fails with 503, so a retry of the
   * whole batch publishes them again (the ingress queue's duplicate detection and the consumers'
   * eventId dedup absorb any part that did reach the queue).
   */
  async acceptMany(options: { readonly events: readonly AcceptedEvent[]; readonly traceparent: string; readonly nowMs: number }): Promise<BatchResult[]> {
    const { events, nowMs } = options;
    if (events.length === 0) return [];

    const perPlayer = new Map<string, number>();
    for (const e of events) perPlayer.set(e.playerId, (perPlayer.get(e.playerId) ?? 0) + 1);
    const refusals = new Map<string, ClientError | undefined>(
      await Promise.all([...perPlayer].map(async ([playerId, cost]) => [playerId, await this.checkPlayer({ playerId, cost, nowMs })] as const)),
    );

    const seen = new Set<string>();
    const results = await Promise.all(
      events.map(async (event): Promise<BatchResult & { readonly publish?: AcceptedEvent }> => {
        const refusal = refusals.get(event.playerId);
        if (refusal !== undefined) return { eventId: event.eventId, status: 'rejected', problem: refusal.problem };
        if (seen.has(event.eventId)) return { eventId: event.eventId, status: 'duplicate' };
        seen.add(event.eventId);
        const claim = await this.#claim(event, nowMs);
        if (claim === 'in-flight') return { eventId: event.eventId, status: 'rejected', problem: problems.idempotencyInFlight().problem };
        if (claim === 'duplicate') return { eventId: event.eventId, status: 'duplicate' };
        return { eventId: event.eventId, status: 'accepted', publish: event };
      }),
    );
    const toPublish = results.flatMap((r) => ('publish' in r && r.publish !== undefined ? [r.publish] : []));
    await this.#publish(toPublish, options.traceparent, nowMs);
    return results.map((r) => (r.status === 'rejected' ? r : { eventId: r.eventId, status: r.status }));
  }

  async #claim(event: AcceptedEvent, nowMs: number): Promise<'new' | 'duplicate' | 'in-flight'> {
    const begin = await this.#o.idempotency.begin({ key: dedupKey(event.eventId), fingerprint: DEDUP_FINGERPRINT, inFlightTtlMs: IN_FLIGHT_TTL_MS, nowMs });
    switch (begin.kind) {
      case 'started':
        return 'new';
      case 'in-flight':
        return 'in-flight';
      case 'replay':
      case 'mismatch':
        return 'duplicate';
    }
  }

  async #publish(events: readonly AcceptedEvent[], traceparent: string, nowMs: number): Promise<void> {
    if (events.length === 0) return;
    const { idempotency } = this.#o;
    try {
      await this.#o.publisher.send(this.#o.ingressQueue, events.map((event) => toIngressMessage(event, traceparent)));
    } catch (error: unknown) {
      await Promise.all(events.map((e) => idempotency.release({ key: dedupKey(e.eventId), fingerprint: DEDUP_FINGERPRINT, nowMs })));
      throw new DependencyUnavailableError({ dependency: 'bus', cause: error });
    }
    const ttlMs = this.#o.limits.dedupTtlMs;
    await Promise.all(events.map((e) => idempotency.complete({ key: dedupKey(e.eventId), fingerprint: DEDUP_FINGERPRINT, response: ACCEPTED, ttlMs, nowMs })));
  }
}

/** The eventId is the dedup key itself, so every re-send of it is "the same request". */
const DEDUP_FINGERPRINT = 'event';
const ACCEPTED = { status: 202, headers: {}, body: '' } as const;

/** Separate namespace from client Idempotency-Keys (those are scoped `key:<kid>:…`). */
function dedupKey(eventId: string): string {
  return `event:${eventId}`;
}

/** DESIGN §3: messageId = eventId, sessionId = playerId, and the routing properties. */
export function toIngressMessage(event: AcceptedEvent, traceparent: string): OutgoingMessage {
  return {
    messageId: event.eventId,
    sessionId: event.playerId,
    body: event,
    applicationProperties: { type: event.type, playerId: event.playerId, season: event.season, traceparent },
  };
}

/** Stable fingerprint of a request for Idempotency-Key comparison: method, path and the body's SHA-256. */
export function requestFingerprint(options: { readonly method: string; readonly path: string; readonly bodySha256Hex: string }): string {
  return createHash('sha256').update(`${options.method.toUpperCase()} ${options.path}\n${options.bodySha256Hex}`).digest('hex');
}
