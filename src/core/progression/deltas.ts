import type { AcceptedEvent } from '../ingestion/envelope.js';

/** What one batch of new events adds to one player's season. */
export interface ProgressDelta {
  readonly playerId: string;
  readonly season: number;
  readonly xp: number;
  readonly bossKills: number;
  /** Highest boss tier killed in the batch (0 when none). */
  readonly maxBossTier: number;
  /** item (the dropId) → quantity claimed. */
  readonly items: ReadonlyMap<string, number>;
}

/**
 * Folds events into one delta per player and season: XP from `progression.deltaXp` and from boss
 * kills (points × BOSS_XP_FACTOR, floored, so XP stays an integer), the boss-kill count and best
 * tier, drops into inventory. Pure: the caller decides which events are new.
 */
export function toDeltas(events: readonly AcceptedEvent[], options: { readonly bossXpFactor: number }): ProgressDelta[] {
  const byKey = new Map<string, { playerId: string; season: number; xp: number; bossKills: number; maxBossTier: number; items: Map<string, number> }>();
  for (const event of events) {
    const key = `${event.playerId}\u0000${event.season}`;
    let d = byKey.get(key);
    if (d === undefined) {
      d = { playerId: event.playerId, season: event.season, xp: 0, bossKills: 0, maxBossTier: 0, items: new Map() };
      byKey.set(key, d);
    }
    switch (event.type) {
      case 'progression':
        d.xp += event.payload.deltaXp;
        break;
      case 'boss_kill':
        d.xp += Math.floor(event.payload.points * options.bossXpFactor);
        d.bossKills += 1;
        d.maxBossTier = Math.max(d.maxBossTier, event.payload.tier);
        break;
      case 'drop_claimed':
        d.items.set(event.payload.dropId, (d.items.get(event.payload.dropId) ?? 0) + 1);
        break;
      case 'match_end':
        // Matches feed leaderboards, not progression.
        break;
    }
  }
  return [...byKey.values()];
}
