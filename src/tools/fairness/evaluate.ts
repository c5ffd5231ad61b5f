import { silentLogger } from '../../adapters/logging/json-logger.js';
import { MemoryFairnessAudit } from '../../adapters/memory/memory-fairness-audit.js';
import { MemoryFairnessStore } from '../../adapters/memory/memory-fairness-store.js';
import { MemorySanctionStore } from '../../adapters/memory/memory-sanction-store.js';
import type { Settings } from '../../core/config/types.js';
import { FairnessGate } from '../../core/fairness/gate.js';
import { fairnessRetention } from '../../core/fairness/retention.js';
import type { Verdict } from '../../core/fairness/verdict.js';
import { envelopeSchema } from '../../core/ingestion/envelope.js';
import { generateTraffic, PLAYER_LABELS, type PlayerLabel, type Population } from '../simulation/model.js';

export interface LabelStats {
  readonly players: number;
  /** Players with at least one flagged or dropped event. */
  readonly detected: number;
  /** Players blocked at least once. */
  readonly blocked: number;
  readonly events: number;
  readonly flaggedEvents: number;
  readonly droppedEvents: number;
  /** Events that were really inflated or part of a flood (ground truth from the model). */
  readonly cheatEvents: number;
  /** Of those, flagged or dropped. */
  readonly cheatEventsCaught: number;
}

export interface Evaluation {
  readonly byLabel: Readonly<Record<PlayerLabel, LabelStats>>;
  /** Player level: detected cheaters ÷ all detected players. */
  readonly precision: number;
  readonly events: number;
}

interface Tally {
  readonly detected: Set<string>;
  readonly blocked: Set<string>;
  players: number;
  events: number;
  flagged: number;
  dropped: number;
  cheat: number;
  caught: number;
}

/**
 * Runs a labelled population's traffic through the real fairness gate (memory stores, the clock
 * following the traffic, one event per delivery in time order) and counts the outcomes per label.
 */
export async function evaluate(options: {
  readonly population: Population;
  readonly settings: Settings;
  /** Every flag or drop, for diagnostics. */
  readonly onCaught?: (caught: { label: PlayerLabel; type: string; verdict: Verdict }) => void;
}): Promise<Evaluation> {
  const { settings, population } = options;
  let clock = population.options.startMs;
  // Written by the gate's observer while `process` runs (an object, so TypeScript sees the writes).
  const seen: { verdict: Verdict | undefined; sanctioned: boolean } = { verdict: undefined, sanctioned: false };
  const gate = new FairnessGate({
    store: new MemoryFairnessStore(fairnessRetention(settings)),
    audit: new MemoryFairnessAudit(),
    sanctions: new MemorySanctionStore(),
    publisher: { send: () => Promise.resolve() },
    verifiedTopic: 'evaluation',
    schema: envelopeSchema({ payloadMax: settings.limits.payloadMax }),
    params: { ...settings.fairness },
    policy: { ...settings.fairness },
    logger: silentLogger,
    observer: {
      verdict: (v) => { seen.verdict = v; },
      sanction: () => { seen.sanctioned = true; },
    },
    now: () => clock,
  });

  const tallies = new Map<PlayerLabel, Tally>(PLAYER_LABELS.map((label) => [label, { detected: new Set(), blocked: new Set(), players: 0, events: 0, flagged: 0, dropped: 0, cheat: 0, caught: 0 }]));
  const tally = (label: PlayerLabel): Tally => {
    const t = tallies.get(label);
    if (t === undefined) throw new Error(`unknown label ${label}`);
    return t;
  };
  for (const player of population.players) tally(player.label).players += 1;

  let events = 0;
  for (const scheduled of generateTraffic(population)) {
    const { event } = scheduled;
    clock = population.options.startMs + scheduled.atMs;
    // Object.assign, not property writes: TypeScript would keep them narrowed across the await.
    Object.assign(seen, { verdict: undefined, sanctioned: false });
    await gate.process([{ messageId: event.eventId, sessionId: event.playerId, body: event, applicationProperties: { season: event.season ?? 1 }, deliveryCount: 1, enqueuedTimeUtc: new Date(clock) }]);
    events += 1;
    const t = tally(scheduled.label);
    t.events += 1;
    const isCheat = scheduled.inflation > 1 || scheduled.flood;
    const { verdict, sanctioned } = seen;
    const caught = verdict !== undefined && verdict.kind !== 'pass';
    if (verdict !== undefined && verdict.kind !== 'pass') options.onCaught?.({ label: scheduled.label, type: event.type, verdict });
    if (isCheat) t.cheat += 1;
    if (isCheat && caught) t.caught += 1;
    if (verdict?.kind === 'flag') t.flagged += 1;
    if (verdict?.kind === 'drop') t.dropped += 1;
    if (caught) t.detected.add(event.playerId);
    if (sanctioned) t.blocked.add(event.playerId);
  }

  const byLabel = Object.fromEntries(
    PLAYER_LABELS.map((label) => {
      const t = tally(label);
      const stats: LabelStats = { players: t.players, detected: t.detected.size, blocked: t.blocked.size, events: t.events, flaggedEvents: t.flagged, droppedEvents: t.dropped, cheatEvents: t.cheat, cheatEventsCaught: t.caught };
      return [label, stats];
    }),
  ) as Record<PlayerLabel, LabelStats>;
  const detectedCheaters = PLAYER_LABELS.filter((l) => l !== 'honest').reduce((sum, l) => sum + byLabel[l].detected, 0);
  const detectedAll = detectedCheaters + byLabel.honest.detected;
  return { byLabel, precision: detectedAll === 0 ? 1 : detectedCheaters / detectedAll, events };
}
