import { auditEntryId, type AuditEntry, type FairnessAudit, type QuarantinedEvent } from '../../core/fairness/audit.js';

/** The embedded twin of the Table Storage audit; the contract suite holds both to one behaviour. */
export class MemoryFairnessAudit implements FairnessAudit {
  readonly #entries = new Map<string, Map<string, AuditEntry>>();
  readonly #quarantine = new Map<string, QuarantinedEvent>();

  record(entry: AuditEntry): Promise<void> {
    let player = this.#entries.get(entry.playerId);
    if (player === undefined) {
      player = new Map();
      this.#entries.set(entry.playerId, player);
    }
    const id = auditEntryId(entry);
    if (!player.has(id)) player.set(id, entry);
    return Promise.resolve();
  }

  entries(playerId: string): Promise<AuditEntry[]> {
    const player = this.#entries.get(playerId) ?? new Map<string, AuditEntry>();
    return Promise.resolve([...player.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e));
  }

  quarantine(item: QuarantinedEvent): Promise<void> {
    if (!this.#quarantine.has(item.event.eventId)) this.#quarantine.set(item.event.eventId, item);
    return Promise.resolve();
  }

  listQuarantine(options: { playerId?: string; limit: number }): Promise<QuarantinedEvent[]> {
    const items = [...this.#quarantine.values()]
      .filter((q) => options.playerId === undefined || q.event.playerId === options.playerId)
      .sort((a, b) => b.quarantinedAtMs - a.quarantinedAtMs || a.event.eventId.localeCompare(b.event.eventId));
    return Promise.resolve(items.slice(0, options.limit));
  }

  markReleased(options: { eventId: string; atMs: number; by: string }): Promise<{ outcome: 'released' | 'already' | 'missing'; item?: QuarantinedEvent }> {
    const item = this.#quarantine.get(options.eventId);
    if (item === undefined) return Promise.resolve({ outcome: 'missing' });
    if (item.released !== undefined) return Promise.resolve({ outcome: 'already', item });
    const released = { ...item, released: { atMs: options.atMs, by: options.by } };
    this.#quarantine.set(options.eventId, released);
    return Promise.resolve({ outcome: 'released', item: released });
  }

  findQuarantined(eventId: string): Promise<QuarantinedEvent | undefined> {
    return Promise.resolve(this.#quarantine.get(eventId));
  }
}
