import type { AcceptedEvent } from '../../core/ingestion/envelope.js';
import type { ProgressDelta } from '../../core/progression/deltas.js';
import type { ApplyResult, PlayerProgress, ProgressRepository } from '../../core/progression/ports.js';

/** The embedded twin of the MySQL repository; the contract suite holds both to one behaviour. */
export class MemoryProgressRepository implements ProgressRepository {
  readonly #ledger = new Set<string>();
  readonly #progress = new Map<string, PlayerProgress>();
  readonly #inventory = new Map<string, Map<string, number>>();

  applyBatch(options: { events: readonly AcceptedEvent[]; toDeltas: (events: readonly AcceptedEvent[]) => ProgressDelta[]; nowMs: number }): Promise<ApplyResult> {
    const fresh: AcceptedEvent[] = [];
    const seen = new Set<string>();
    for (const event of options.events) {
      if (this.#ledger.has(event.eventId) || seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      fresh.push(event);
    }
    for (const event of fresh) this.#ledger.add(event.eventId);
    for (const d of options.toDeltas(fresh)) {
      const key = keyOf(d);
      const current = this.#progress.get(key);
      this.#progress.set(key, {
        playerId: d.playerId,
        season: d.season,
        xp: (current?.xp ?? 0) + d.xp,
        bossKills: (current?.bossKills ?? 0) + d.bossKills,
        maxBossTier: Math.max(current?.maxBossTier ?? 0, d.maxBossTier),
        updatedAtMs: options.nowMs,
      });
      const items = this.#inventory.get(key) ?? new Map<string, number>();
      for (const [item, qty] of d.items) items.set(item, (items.get(item) ?? 0) + qty);
      this.#inventory.set(key, items);
    }
    const players = uniquePlayers(options.events);
    return Promise.resolve({ applied: fresh.length, duplicates: options.events.length - fresh.length, players });
  }

  getProgress(options: { playerId: string; season: number }): Promise<PlayerProgress | undefined> {
    return Promise.resolve(this.#progress.get(keyOf(options)));
  }

  getInventory(options: { playerId: string; season: number }): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(new Map(this.#inventory.get(keyOf(options)) ?? []));
  }
}

function keyOf(key: { playerId: string; season: number }): string {
  return `${key.playerId}\u0000${key.season}`;
}

export function uniquePlayers(events: readonly AcceptedEvent[]): { playerId: string; season: number }[] {
  const seen = new Map<string, { playerId: string; season: number }>();
  for (const e of events) seen.set(keyOf(e), { playerId: e.playerId, season: e.season });
  return [...seen.values()];
}
