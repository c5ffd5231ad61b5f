import { createHash } from 'node:crypto';
import { DEFAULT_PAYLOAD_MAX } from '../../core/config/settings-payload.js';
import type { PayloadMax } from '../../core/config/types.js';
import type { EventType, GameEvent } from '../../core/ingestion/envelope.js';
import { mergeByTime } from './merge.js';
import { Rng } from './prng.js';

/**
 * The traffic model of the simulator: who plays, who cheats and how, and the events they send.
 * Pure and seeded: the same options give the same players, labels and events (ids included), with
 * no I/O and no clock, so the fairness team can replay it offline as a labelled data set and the
 * load driver (`driver.ts`) can send it to a running app.
 *
 * Time is compressed: sessions last tens of seconds instead of an evening, so a one-minute run
 * still shows sessions starting and ending, accounts appearing and cheaters ramping up.
 */

export const PLAYER_LABELS = ['honest', 'spike', 'flood', 'ramp', 'newbie'] as const;
/** Ground truth per player: honest, or the kind of cheating. */
export type PlayerLabel = (typeof PLAYER_LABELS)[number];
export const CHEATER_KINDS = ['spike', 'flood', 'ramp', 'newbie'] as const satisfies readonly PlayerLabel[];
export type CheaterKind = (typeof CHEATER_KINDS)[number];

export type Range = readonly [min: number, max: number];

export interface TrafficProfile {
  /** Mean play session and mean break between sessions, seconds (exponential). */
  readonly sessionMeanS: number;
  readonly breakMeanS: number;
  /** Shortest gap between two events of a human: nobody finishes two fights within 150 ms. */
  readonly minGapMs: number;
  /** Highest mean in-session rate of a non-flooding player (events/s): far below FLOOD_MAX_PER_SEC. */
  readonly maxPlayerRate: number;
  /** Spread (lognormal sigma) of skill, of how much players play, and of one player's values. */
  readonly skillSigma: number;
  readonly activitySigma: number;
  readonly valueSigma: number;
  /** Share of honest players whose account is created during the first half of the run. */
  readonly lateJoinShare: number;
  /** Relative frequency of each event type. */
  readonly typeMix: Readonly<Record<EventType, number>>;
  /** spike: chance that a valued event is multiplied by `spikeFactor`. */
  readonly spikeChance: number;
  readonly spikeFactor: number;
  /** flood: events/s inside a burst, burst length (s), chance a session contains one. */
  readonly floodRate: Range;
  readonly floodBurstS: Range;
  readonly floodBurstChance: number;
  /** ramp: factor reached by the end of the run, growing linearly from 1. */
  readonly rampMax: Range;
  /** newbie: constant factor from the first event, and when the account appears (share of the run). */
  readonly newbieFactor: Range;
  readonly newbieJoin: Range;
}

export const DEFAULT_PROFILE: TrafficProfile = Object.freeze({
  sessionMeanS: 20,
  breakMeanS: 40,
  minGapMs: 150,
  maxPlayerRate: 3,
  skillSigma: 0.5,
  activitySigma: 0.7,
  valueSigma: 0.25,
  lateJoinShare: 0.1,
  typeMix: Object.freeze({ boss_kill: 0.35, progression: 0.35, match_end: 0.2, drop_claimed: 0.1 }),
  spikeChance: 0.2,
  spikeFactor: 10,
  floodRate: [20, 60] as const,
  floodBurstS: [2, 6] as const,
  floodBurstChance: 0.8,
  rampMax: [5, 12] as const,
  newbieFactor: [6, 12] as const,
  newbieJoin: [0.1, 0.6] as const,
});

export type Behaviour =
  | { readonly kind: 'honest' }
  | { readonly kind: 'spike'; readonly chance: number; readonly factor: number }
  | { readonly kind: 'flood'; readonly burstRate: number; readonly burstS: Range; readonly burstChance: number }
  | { readonly kind: 'ramp'; readonly maxFactor: number }
  | { readonly kind: 'newbie'; readonly factor: number };

export interface SimPlayer {
  readonly index: number;
  readonly playerId: string;
  readonly label: PlayerLabel;
  readonly behaviour: Behaviour;
  /** Lognormal around 1: scales values and the boss tiers a player takes on. */
  readonly skill: number;
  /** Mean events/s while in a session, outside flood bursts. */
  readonly sessionRate: number;
  /** When the account first plays, ms after the start (0 for accounts that existed before). */
  readonly joinAtMs: number;
}

export interface TrafficOptions {
  readonly seed: number;
  readonly players: number;
  /** Target mean rate of all traffic, events/s. */
  readonly rate: number;
  /** Share of cheaters in [0, 1]: exactly round(players × share) players cheat, kinds in rotation. */
  readonly cheaterShare: number;
  readonly durationS: number;
  /** Epoch ms of the start; each event's `ts` is `startMs + atMs`. */
  readonly startMs: number;
  /**
   * Namespaces player and event ids (default `s<seed>`), so a rerun against the same server gets
   * fresh ids while keeping the same traffic; only ids depend on it, never behaviour.
   */
  readonly runId?: string;
  readonly profile?: Partial<TrafficProfile>;
  /** Values are clamped to these bounds (the gateway's PAYLOAD_MAX), so every event is valid. */
  readonly payloadMax?: PayloadMax;
}

type Resolved = Required<Omit<TrafficOptions, 'profile'>> & { readonly profile: TrafficProfile };

export interface Population {
  readonly options: Resolved;
  readonly players: readonly SimPlayer[];
  /** playerId → label, in player order. */
  readonly labels: ReadonlyMap<string, PlayerLabel>;
  /** Mean events/s the model will produce; below `rate` when the players are too few to reach it. */
  readonly expectedRate: number;
}

export interface ScheduledEvent {
  /** Milliseconds after the start (integer). */
  readonly atMs: number;
  readonly event: GameEvent;
  readonly label: PlayerLabel;
  /** Ground truth of this event: the factor its value was multiplied by (1 = as played). */
  readonly inflation: number;
  /** Sent inside a flood burst. */
  readonly flood: boolean;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,40}$/;
const BOSSES = ['slime', 'goblin_king', 'troll', 'wyvern', 'lich', 'kraken', 'dragon', 'titan', 'void_lord', 'elder_god'] as const;
const ACTIVITIES = ['quest', 'dungeon', 'crafting', 'pvp', 'exploration'] as const;
const DROP_SOURCES = ['boss', 'chest', 'quest', 'event'] as const;

export function cheaterCount(players: number, share: number): number {
  return Math.round(players * share);
}

/** Who plays: ids, labels, skill and activity, with per-player rates sized to reach `rate`. */
export function buildPopulation(options: TrafficOptions): Population {
  const o = resolve(options);
  const { profile: p } = o;
  const durationMs = o.durationS * 1000;
  const cheaters = new Map<number, CheaterKind>();
  // One stream for the assignment, one per player for attributes: adding players or changing a
  // profile value moves no other player's draws.
  new Rng('population', o.seed)
    .shuffle([...Array(o.players).keys()])
    .slice(0, cheaterCount(o.players, o.cheaterShare))
    .forEach((index, i) => cheaters.set(index, CHEATER_KINDS[i % CHEATER_KINDS.length] ?? 'spike'));

  const drafts = [...Array(o.players).keys()].map((index) => {
    const rng = new Rng('player', o.seed, index);
    const behaviour = behaviourOf(cheaters.get(index), rng, p);
    const joinAtMs =
      behaviour.kind === 'newbie'
        ? Math.round(rng.uniform(p.newbieJoin[0], p.newbieJoin[1]) * durationMs)
        : behaviour.kind === 'honest' && rng.chance(p.lateJoinShare)
          ? Math.round(rng.uniform(0, 0.5) * durationMs)
          : 0;
    return { index, behaviour, joinAtMs, skill: rng.lognormal(0, p.skillSigma), weight: rng.lognormal(0, p.activitySigma), presence: (durationMs - joinAtMs) / durationMs };
  });

  const cycleS = p.sessionMeanS + p.breakMeanS;
  const online = p.sessionMeanS / cycleS;
  const floodRate = (d: (typeof drafts)[number]): number =>
    d.behaviour.kind === 'flood' ? (d.presence * d.behaviour.burstChance * d.behaviour.burstRate * (d.behaviour.burstS[0] + d.behaviour.burstS[1])) / 2 / cycleS : 0;
  const floods = drafts.reduce((sum, d) => sum + floodRate(d), 0);
  // Floods come on top of play; they may not crowd out more than half of the requested traffic.
  const budget = Math.max(o.rate - floods, o.rate / 2);
  const weightSum = drafts.reduce((sum, d) => sum + d.weight * d.presence, 0);
  const players = drafts.map((d): SimPlayer => {
    const sessionRate = Math.min(Math.max((budget * d.weight) / (online * weightSum), 0.01), p.maxPlayerRate);
    return { index: d.index, playerId: `${o.runId}-p${d.index}`, label: d.behaviour.kind, behaviour: d.behaviour, skill: d.skill, sessionRate, joinAtMs: d.joinAtMs };
  });
  const expectedRate = floods + players.reduce((sum, pl, i) => sum + online * (drafts[i]?.presence ?? 0) * pl.sessionRate, 0);
  return { options: o, players, labels: new Map(players.map((pl) => [pl.playerId, pl.label])), expectedRate };
}

/** Players per label. */
export function countLabels(population: Population): Record<PlayerLabel, number> {
  const counts: Record<PlayerLabel, number> = { honest: 0, spike: 0, flood: 0, ramp: 0, newbie: 0 };
  for (const player of population.players) counts[player.label] += 1;
  return counts;
}

/** Every player's events merged into one sequence ordered by `atMs`. */
export function generateTraffic(population: Population): Generator<ScheduledEvent> {
  return mergeByTime(
    population.players.map((player) => playerEvents(population, player)),
    (e) => e.atMs,
  );
}

/**
 * One player's events in time order: alternating sessions and breaks (both exponential), events
 * inside a session separated by a human minimum gap plus an exponential wait, and for flooders a
 * burst far above FLOOD_MAX_PER_SEC somewhere in most sessions.
 */
export function* playerEvents(population: Population, player: SimPlayer): Generator<ScheduledEvent> {
  const { profile: p, durationS, seed } = population.options;
  const durationMs = durationS * 1000;
  const rng = new Rng('events', seed, player.index);
  const online = p.sessionMeanS / (p.sessionMeanS + p.breakMeanS);
  const meanWaitMs = 1000 / player.sessionRate - p.minGapMs;
  let t = player.joinAtMs;
  // An existing account is mid-session or mid-break when the run starts (steady state); a new
  // account plays at once. Exponential durations are memoryless, so a fresh draw is the remainder.
  if (t === 0 && !rng.chance(online)) t = rng.exponential(p.breakMeanS * 1000);
  let seq = 0;
  while (t < durationMs) {
    let end = t + rng.exponential(p.sessionMeanS * 1000);
    const { behaviour } = player;
    let burst: { start: number; end: number; gapMs: number } | undefined;
    if (behaviour.kind === 'flood' && rng.chance(behaviour.burstChance)) {
      const start = rng.uniform(t, end);
      burst = { start, end: start + rng.uniform(behaviour.burstS[0], behaviour.burstS[1]) * 1000, gapMs: 1000 / behaviour.burstRate };
      end = Math.max(end, burst.end);
    }
    for (;;) {
      const inBurst = burst !== undefined && t >= burst.start && t < burst.end;
      // Bots are regular; a little jitter keeps them from aligning on millisecond boundaries.
      let next = t + (inBurst && burst !== undefined ? burst.gapMs * rng.uniform(0.7, 1.3) : p.minGapMs + rng.exponential(Math.max(meanWaitMs, 0)));
      if (burst !== undefined && t < burst.start && next > burst.start) next = burst.start;
      if (next >= end || next >= durationMs) break;
      t = next;
      const flood = burst !== undefined && t >= burst.start && t < burst.end;
      yield makeEvent({ population, player, rng, atMs: Math.round(t), seq, flood });
      seq += 1;
    }
    t = end + rng.exponential(p.breakMeanS * 1000);
  }
}

function makeEvent(options: { population: Population; player: SimPlayer; rng: Rng; atMs: number; seq: number; flood: boolean }): ScheduledEvent {
  const { population, player, rng, atMs, seq, flood } = options;
  const { profile: p, payloadMax: max, runId, seed, startMs } = population.options;
  const type = rng.weighted(p.typeMix);
  const inflation = type === 'drop_claimed' ? 1 : inflationAt(player, rng, atMs, population.options.durationS * 1000);
  const value = (base: number): number => base * player.skill * rng.lognormal(0, p.valueSigma) * inflation;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(Math.round(v), lo), hi);
  const eventId = eventIdFor(`${runId}|${seed}|${player.index}|${seq}`);
  const common = { eventId, playerId: player.playerId, ts: startMs + atMs };
  let event: GameEvent;
  switch (type) {
    case 'boss_kill': {
      // Better players take on harder bosses: the tier centres on their skill, in standard deviations.
      const tier = clamp(4.5 + (2 * Math.log(player.skill)) / p.skillSigma + rng.normal(0, 1), 1, 10);
      const bossId = BOSSES[tier - 1] ?? 'slime';
      event = { ...common, type, payload: { bossId, tier, points: clamp(value(100 * tier ** 1.3), 0, max['boss_kill.points']) } };
      break;
    }
    case 'progression':
      event = { ...common, type, payload: { deltaXp: clamp(value(40), 1, max['progression.deltaXp']), activity: rng.pick(ACTIVITIES) } };
      break;
    case 'match_end': {
      const durationMs = clamp(rng.lognormal(Math.log(480_000), 0.35), 60_000, Math.min(3_600_000, max['match_end.durationMs']));
      event = { ...common, type, payload: { matchId: `m_${eventId.slice(0, 8)}`, score: clamp(value(800), 0, max['match_end.score']), durationMs } };
      break;
    }
    case 'drop_claimed':
      event = { ...common, type, payload: { dropId: `drop_${rng.int(1, 250)}`, weight: Math.round(rng.next() * 10_000) / 10_000, source: rng.pick(DROP_SOURCES) } };
      break;
  }
  return { atMs, event, label: player.label, inflation, flood };
}

function inflationAt(player: SimPlayer, rng: Rng, atMs: number, durationMs: number): number {
  const b = player.behaviour;
  switch (b.kind) {
    case 'honest':
    case 'flood':
      return 1;
    case 'spike':
      return rng.chance(b.chance) ? b.factor : 1;
    case 'ramp': {
      // Slow enough that each event looks like the last; only the trend gives it away.
      const progress = Math.min(Math.max((atMs - player.joinAtMs) / Math.max(durationMs - player.joinAtMs, 1), 0), 1);
      return 1 + (b.maxFactor - 1) * progress;
    }
    case 'newbie':
      return b.factor;
  }
}

function behaviourOf(kind: CheaterKind | undefined, rng: Rng, p: TrafficProfile): Behaviour {
  switch (kind) {
    case undefined:
      return { kind: 'honest' };
    case 'spike':
      return { kind, chance: p.spikeChance, factor: p.spikeFactor };
    case 'flood':
      return { kind, burstRate: rng.uniform(p.floodRate[0], p.floodRate[1]), burstS: p.floodBurstS, burstChance: p.floodBurstChance };
    case 'ramp':
      return { kind, maxFactor: rng.uniform(p.rampMax[0], p.rampMax[1]) };
    case 'newbie':
      return { kind, factor: rng.uniform(p.newbieFactor[0], p.newbieFactor[1]) };
  }
}

/** A UUID (version 4 layout) from a hash: deterministic for the model, unique across runs and players. */
function eventIdFor(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function resolve(options: TrafficOptions): Resolved {
  const need = (ok: boolean, message: string): void => {
    if (!ok) throw new RangeError(`traffic model: ${message}`);
  };
  need(Number.isSafeInteger(options.seed), 'seed must be an integer');
  need(Number.isInteger(options.players) && options.players >= 1 && options.players <= 1_000_000, 'players must be an integer 1..1000000');
  need(Number.isFinite(options.rate) && options.rate > 0, 'rate must be a positive number');
  need(options.cheaterShare >= 0 && options.cheaterShare <= 1, 'cheaterShare must be in [0, 1]');
  // EVENT_MAX_AGE_S defaults to a day: a longer run would send events the gateway calls too old.
  need(Number.isFinite(options.durationS) && options.durationS > 0 && options.durationS <= 86_400, 'durationS must be in (0, 86400]');
  need(Number.isSafeInteger(options.startMs) && options.startMs >= 0, 'startMs must be epoch milliseconds');
  const runId = options.runId ?? `s${options.seed}`;
  need(RUN_ID.test(runId), `runId must match ${RUN_ID.source}`);
  const profile = { ...DEFAULT_PROFILE, ...options.profile };
  need(profile.maxPlayerRate * profile.minGapMs < 1000, 'maxPlayerRate × minGapMs must stay under one second');
  return {
    seed: options.seed,
    players: options.players,
    rate: options.rate,
    cheaterShare: options.cheaterShare,
    durationS: options.durationS,
    startMs: options.startMs,
    runId,
    profile,
    payloadMax: options.payloadMax ?? DEFAULT_PAYLOAD_MAX,
  };
}
