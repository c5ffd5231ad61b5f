import type { AcceptedEvent } from '../ingestion/envelope.js';
import type { Verdict } from './verdict.js';

/** One auditable fairness fact about a player. */
export type AuditEntry =
  | { readonly kind: 'flag'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly verdict: Extract<Verdict, { kind: 'flag' }> }
  | { readonly kind: 'sanction'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly untilMs: number; readonly seconds: number; readonly reason: string }
  | { readonly kind: 'admin-block'; readonly playerId: string; readonly atMs: number; readonly untilMs: number; readonly reason: string; readonly by: string }
  | { readonly kind: 'admin-unblock'; readonly playerId: string; readonly atMs: number; readonly reason: string; readonly by: string }
  | { readonly kind: 'release'; readonly playerId: string; readonly eventId: string; readonly atMs: number; readonly by: string };

export interface QuarantinedEvent {
  readonly event: AcceptedEvent;
  readonly verdict: Extract<Verdict, { kind: 'flag' }>;
  readonly traceparent: string;
  readonly quarantinedAtMs: number;
  readonly released?: { readonly atMs: number; readonly by: string };
}

/**
 * The audit trail and the quarantine (Table Storage in production, memory in the embedded
 * default). Writes are idempotent: the same fact written twice (a redelivery) is stored once.
 */
export interface FairnessAudit {
  record(entry: AuditEntry): Promise<void>;
  /** A player's entries, oldest first. */
  entries(playerId: string): Promise<AuditEntry[]>;
  quarantine(item: QuarantinedEvent): Promise<void>;
  /** Quarantined events, newest first; one player's when `playerId` is given. */
  listQuarantine(options: { readonly playerId?: string; readonly limit: number }): Promise<QuarantinedEvent[]>;
  /**
   * Marks a quarantined event released, exactly once: `released` for the caller that did it,
   * `already` if someone did before, `missing` if no such event is quarantined.
   */
  markReleased(options: { readonly eventId: string; readonly atMs: number; readonly by: string }): Promise<{ readonly outcome: 'released' | 'already' | 'missing'; readonly item?: QuarantinedEvent }>;
  /** A quarantined event by id. */
  findQuarantined(eventId: string): Promise<QuarantinedEvent | undefined>;
}

/** Stable id of an entry, so a rewrite of the same fact lands on the same row. */
export function auditEntryId(entry: AuditEntry): string {
  const at = String(entry.atMs).padStart(15, '0');
  switch (entry.kind) {
    case 'flag':
    case 'sanction':
    case 'release':
      return `${at}-${entry.kind}-${entry.eventId}`;
    case 'admin-block':
    case 'admin-unblock':
      return `${at}-${entry.kind}`;
  }
}
