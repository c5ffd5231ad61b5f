import { randomBytes } from 'node:crypto';
import { AuditConflictError, isDecided, sameAuditEntry, sameQuarantinedEvent, type AuditEntry, type FairnessAudit, type QuarantinedEvent } from '../../core/fairness/audit.js';
import { auditEntryKey, quarantineKey, type KeyPage } from '../../core/fairness/audit-keys.js';

/** The embedded twin of the Table Storage audit; the contract suite holds both to one behaviour. */
export class MemoryFairnessAudit implements FairnessAudit {
  /** playerId → key → entry, like the Table Storage partitions. */
  readonly #entries = new Map<string, Map<string, AuditEntry>>();
  /** eventId → item; the key is computed from the item, like the table's index row. */
  readonly #quarantine = new Map<string, QuarantinedEvent>();

  record(entry: AuditEntry): Promise<void> {
    let player = this.#entries.get(entry.playerId);
    if (player === undefined) {
      player = new Map();
      this.#entries.set(entry.playerId, player);
    }
    const key = auditEntryKey(entry, randomBytes(8).toString('hex'));
    const existing = player.get(key);
    if (existing === undefined) player.set(key, entry);
    else if (!sameAuditEntry(existing, entry)) return Promise.reject(new AuditConflictError({ store: 'audit', key }));
    return Promise.resolve();
  }

  entries(options: { playerId: string; limit: number; after?: string }): Promise<KeyPage<AuditEntry>> {
    return Promise.resolve(page([...(this.#entries.get(options.playerId) ?? new Map<string, AuditEntry>())], options));
  }

  quarantine(item: QuarantinedEvent): Promise<void> {
    const existing = this.#quarantine.get(item.event.eventId);
    if (existing === undefined) this.#quarantine.set(item.event.eventId, item);
    else if (!sameQuarantinedEvent(existing, item)) return Promise.reject(new AuditConflictError({ store: 'quarantine', key: item.event.eventId }));
    return Promise.resolve();
  }

  listQuarantine(options: { playerId?: string; limit: number; after?: string }): Promise<KeyPage<QuarantinedEvent>> {
    const items = [...this.#quarantine.values()].filter((q) => options.playerId === undefined || q.event.playerId === options.playerId);
    return Promise.resolve(page(items.map((q) => [quarantineKey(q), q] as const), options));
  }

  markReleased(options: { eventId: string; atMs: number; by: string }): Promise<{ outcome: 'released' | 'already' | 'missing'; item?: QuarantinedEvent }> {
    return Promise.resolve(this.#decide(options.eventId, 'released', (item) => ({ ...item, released: { atMs: options.atMs, by: options.by } })));
  }

  markKept(options: { eventId: string; atMs: number; by: string; reason: string }): Promise<{ outcome: 'kept' | 'already' | 'missing'; item?: QuarantinedEvent }> {
    return Promise.resolve(this.#decide(options.eventId, 'kept', (item) => ({ ...item, kept: { atMs: options.atMs, by: options.by, reason: options.reason } })));
  }

  /** One decision per quarantined event, whichever comes first. */
  #decide<O extends string>(eventId: string, outcome: O, decided: (item: QuarantinedEvent) => QuarantinedEvent): { outcome: O | 'already' | 'missing'; item?: QuarantinedEvent } {
    const item = this.#quarantine.get(eventId);
    if (item === undefined) return { outcome: 'missing' };
    if (isDecided(item)) return { outcome: 'already', item };
    const next = decided(item);
    this.#quarantine.set(eventId, next);
    return { outcome, item: next };
  }

  findQuarantined(eventId: string): Promise<QuarantinedEvent | undefined> {
    return Promise.resolve(this.#quarantine.get(eventId));
  }
}

/** The rows after `after` in ascending key order, at most `limit`, as Table Storage would serve them. */
function page<T>(rows: readonly (readonly [string, T])[], options: { readonly limit: number; readonly after?: string }): KeyPage<T> {
  const after = options.after;
  const sorted = rows.filter(([key]) => after === undefined || key > after).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const served = sorted.slice(0, options.limit);
  const last = served.at(-1);
  return sorted.length > options.limit && last !== undefined ? { items: served.map(([, v]) => v), next: last[0] } : { items: served.map(([, v]) => v) };
}
