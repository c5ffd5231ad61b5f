import type { AcceptedEvent } from '../ingestion/envelope.js';
import { canonicalJson } from '../ingestion/event-digest.js';
import type { KeyPage } from './audit-keys.js';
import type { Verdict } from './verdict.js';

/** One auditable fairness fact about a player. */
export type AuditEntry =
  | { readonly kind: 'flag'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly verdict: Extract<Verdict, { kind: 'flag' }> }
  | { readonly kind: 'sanction'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly untilMs: number; readonly seconds: number; readonly reason: string }
  | { readonly kind: 'admin-block'; readonly playerId: string; readonly atMs: number; readonly untilMs: number; readonly reason: string; readonly by: string }
  | { readonly kind: 'admin-unblock'; readonly playerId: string; readonly atMs: number; readonly reason: string; readonly by: string }
  | { readonly kind: 'release'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly by: string }
  | { readonly kind: 'keep'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly by: string; readonly reason: string };

export interface QuarantinedEvent {
  readonly event: AcceptedEvent;
  readonly verdict: Extract<Verdict, { kind: 'flag' }>;
  readonly traceparent: string;
  readonly quarantinedAtMs: number;
  readonly released?: { readonly atMs: number; readonly by: string };
  /** A reviewer confirmed the flag: the event stays out for good (issue #18, the console's *Keep*). */
  readonly kept?: { readonly atMs: number; readonly by: string; readonly reason: string };
}

/** Released or kept: a reviewed event takes no second decision. */
export function isDecided(item: QuarantinedEvent): boolean {
  return item.released !== undefined || item.kept !== undefined;
}

/**
 * The audit trail and the quarantine (Table Storage in production, memory in the embedded
 * default). Writes are idempotent: the same fact written twice (a redelivery) is stored once; a
 * *different* fact under the key of a stored one is an {@link AuditConflictError}, never dropped.
 * Listings are pages in key order (`audit-keys.ts`), newest first: `after` is the `next` of the
 * previous page, and a page never reads more than `limit` + 1 rows.
 */
export interface FairnessAudit {
  record(entry: AuditEntry): Promise<void>;
  /** A player's entries, newest first. */
  entries(options: { readonly playerId: string; readonly limit: number; readonly after?: string }): Promise<KeyPage<AuditEntry>>;
  /** Stores a flagged event once per eventId (the first write wins; a redelivery is a no-op). */
  quarantine(item: QuarantinedEvent): Promise<void>;
  /** Quarantined events, newest first; one player's when `playerId` is given. */
  listQuarantine(options: { readonly playerId?: string; readonly limit: number; readonly after?: string }): Promise<KeyPage<QuarantinedEvent>>;
  /**
   * Marks a quarantined event released, exactly once: `released` for the caller that did it,
   * `already` if someone decided it before (released or kept), `missing` if no such event is
   * quarantined.
   */
  markReleased(options: { readonly eventId: string; readonly atMs: number; readonly by: string }): Promise<{ readonly outcome: 'released' | 'already' | 'missing'; readonly item?: QuarantinedEvent }>;
  /** Marks it kept, exactly once and never after a release: the same outcomes as `markReleased`. */
  markKept(options: { readonly eventId: string; readonly atMs: number; readonly by: string; readonly reason: string }): Promise<{ readonly outcome: 'kept' | 'already' | 'missing'; readonly item?: QuarantinedEvent }>;
  /** A quarantined event by id (a point read, not a scan). */
  findQuarantined(eventId: string): Promise<QuarantinedEvent | undefined>;
}

/**
 * Two different facts under one key: not a redelivery, so the first must not silently win (issue
 * #19 item 3). It propagates as a bug (500 / a retried message) and names the key, not the data.
 */
export class AuditConflictError extends Error {
  readonly key: string;

  constructor(options: { readonly store: 'audit' | 'quarantine'; readonly key: string }) {
    super(`${options.store}: a different record already exists under key ${options.key}`);
    this.name = 'AuditConflictError';
    this.key = options.key;
  }
}

/** Whether a second quarantine write is the same flagged event (a redelivery or a re-sent copy). */
export function sameQuarantinedEvent(a: QuarantinedEvent, b: QuarantinedEvent): boolean {
  return canonicalJson({ event: a.event, verdict: a.verdict }) === canonicalJson({ event: b.event, verdict: b.verdict });
}

/** Whether a second audit write is the same fact (a redelivery), independent of key order. */
export function sameAuditEntry(a: AuditEntry, b: AuditEntry): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
