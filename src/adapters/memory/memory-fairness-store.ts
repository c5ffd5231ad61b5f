import type { Decision, FairnessRetention, FairnessStore, PlayerState, RecordedVerdict } from '../../core/fairness/ports.js';
import { ExpiringMap } from './expiring-map.js';

interface PlayerRecord {
  readonly histories: Map<string, number[]>;
  eventTimes: number[];
  flagTimes: number[];
  sanctions: number;
  /** Last commit for this player; like the Redis keys' TTL, idle players are forgotten. */
  lastSeenMs: number;
}

/** The Redis store's idle expiry of a player's state (STATE_TTL_MS there). */
const IDLE_PLAYER_MS = 30 * 24 * 3600 * 1000;
/** Sweep idle players every this many commits, so the map cannot grow without bound. */
const SWEEP_EVERY = 1_000;

/**
 * The embedded twin of the Redis fairness store, with the same retention rules; the contract
 * suite holds the two to the same behaviour.
 */
export class MemoryFairnessStore implements FairnessStore {
  readonly #players = new Map<string, PlayerRecord>();
  readonly #verdicts = new ExpiringMap<RecordedVerdict>();
  readonly #population = new Map<string, number[]>();
  #commits = 0;

  constructor(private readonly retention: FairnessRetention) {}

  load(options: { playerId: string; eventIds: readonly string[]; types: readonly string[]; nowMs: number }): Promise<PlayerState> {
    const { nowMs } = options;
    const player = this.#player(options.playerId, nowMs);
    const recorded = new Map<string, RecordedVerdict>();
    for (const id of options.eventIds) {
      const verdict = this.#verdicts.get(`${options.playerId}/${id}`, nowMs);
      if (verdict !== undefined) recorded.set(id, verdict);
    }
    const pick = (source: ReadonlyMap<string, readonly number[]>): Record<string, number[]> =>
      Object.fromEntries(options.types.map((type) => [type, [...(source.get(type) ?? [])]]));
    return Promise.resolve({
      recorded,
      histories: pick(player.histories),
      recentEventTimes: [...player.eventTimes],
      flagTimes: [...player.flagTimes],
      priorSanctions: player.sanctions,
      population: pick(this.#population),
    });
  }

  commit(options: { playerId: string; decisions: readonly Decision[]; nowMs: number }): Promise<ReadonlyMap<string, RecordedVerdict>> {
    const { nowMs } = options;
    const r = this.retention;
    const player = this.#player(options.playerId, nowMs);
    player.lastSeenMs = nowMs;
    this.#commits += 1;
    if (this.#commits % SWEEP_EVERY === 0) {
      for (const [id, record] of this.#players) if (record.lastSeenMs <= nowMs - IDLE_PLAYER_MS) this.#players.delete(id);
    }
    const result = new Map<string, RecordedVerdict>();
    for (const d of options.decisions) {
      const key = `${options.playerId}/${d.eventId}`;
      const existing = this.#verdicts.get(key, nowMs);
      if (existing !== undefined) {
        result.set(d.eventId, existing);
        continue;
      }
      this.#verdicts.set(key, d.recorded, nowMs + r.verdictTtlMs, nowMs);
      result.set(d.eventId, d.recorded);
      player.eventTimes.push(d.enqueuedAtMs);
      const { verdict } = d.recorded;
      if (verdict.kind === 'pass' && d.value !== undefined) {
        const history = [...(player.histories.get(d.type) ?? []), d.value].slice(-r.historyLength);
        player.histories.set(d.type, history);
        this.#population.set(d.type, [...(this.#population.get(d.type) ?? []), d.value].slice(-r.populationLength));
      } else if (verdict.kind === 'flag') {
        player.flagTimes.push(nowMs);
        if (d.recorded.sanction !== undefined) {
          player.sanctions += 1;
          player.flagTimes = [];
        }
      }
    }
    return Promise.resolve(result);
  }

  /** The player's record with windows trimmed to their retention at `nowMs`. */
  #player(playerId: string, nowMs: number): PlayerRecord {
    let player = this.#players.get(playerId);
    if (player === undefined) {
      player = { histories: new Map(), eventTimes: [], flagTimes: [], sanctions: 0, lastSeenMs: nowMs };
      this.#players.set(playerId, player);
    }
    player.eventTimes = player.eventTimes.filter((t) => t > nowMs - this.retention.eventWindowMs).sort((a, b) => a - b);
    player.flagTimes = player.flagTimes.filter((t) => t > nowMs - this.retention.flagWindowMs);
    return player;
  }
}
