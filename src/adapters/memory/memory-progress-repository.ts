import type { AcceptedEvent } from '../../core/ingestion/envelope.js';
import type { ProgressDelta } from '../../core/progression/deltas.js';
import { capItemKinds } from '../../core/progression/item-kinds.js';
import type { ApplyResult, PlayerProgress, ProgressRepository } from '../../core/progression/ports.js';

/** The embedded twin of the MySQL repository; the contract suite holds both to one behaviour. */
export class MemoryProgressRepository implements ProgressRepository {
  /** eventId → when it was processed, in insertion (so processing) order. */
  readonly #ledger = new Map<string, number>();
  readonly #progress = new Map<string, PlayerProgress>();
  readonly #inventory = new Map<string, Map<string, number>>();

  applyBatch(options: { events: readonly AcceptedEvent[]; toDeltas: (events: readonly AcceptedEvent[]) => ProgressDelta[]; nowMs: number; maxItemKinds: number }): Promise<ApplyResult> {
    const fresh: AcceptedEvent[] = [];
    const seen = new Set<string>();
    for (const event of options.events) {
      if (this.#ledger.has(event.eventId) || seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      fresh.push(event);
    }
    for (const event of fresh) this.#ledger.set(event.eventId, options.nowMs);
    let itemsRefused = 0;
    for (const folded of options.toDeltas(fresh)) {
      const key = keyOf(folded);
      const held = this.#inventory.get(key) ?? new Map<string, number>();
      const capped = capItemKinds({ delta: folded, held: { kinds: held.size, has: (item) => held.has(item) }, maxKinds: options.maxItemKinds });
      itemsRefused += capped.refused;
      const d = capped.delta;
      const current = this.#progress.get(key);
      this.#progress.set(key, {
        playerId: d.playerId,
        season: d.season,
        xp: (current?.xp ?? 0) + d.xp,
        bossKills: (current?.bossKills ?? 0) + d.bossKills,
        maxBossTier: Math.max(current?.maxBossTier ?? 0, d.maxBossTier),
        updatedAtMs: options.nowMs,
      });
      for (const [item, qty] of d.items) held.set(item, (held.get(item) ?? 0) + qty);
      this.#inventory.set(key, held);
    }
    const players = uniquePlayers(options.events);
    return Promise.resolve({ applied: fresh.length, duplicates: options.events.length - fresh.length, players, itemsRefused });
  }

  pruneLedger(options: { processedBeforeMs: number; limit: number }): Promise<number> {
    let deleted = 0;
    // Insertion order is processing order (nowMs never goes back in one process): stop at the first young row.
    for (const [eventId, atMs] of this.#ledger) {
      if (deleted >= options.limit || atMs >= options.processedBeforeMs) break;
      this.#ledger.delete(eventId);
      deleted += 1;
    }
    return Promise.resolve(deleted);
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
