import type { AcceptedEvent } from '../ingestion/envelope.js';
import { eventValue } from '../ingestion/envelope.js';
import type { Decision, PlayerState, RecordedVerdict } from './ports.js';
import type { RobustSpread } from './statistics.js';
import { historyKey, judge, logSpread, sanctionFor, type FairnessParams, type SanctionPolicy } from './verdict.js';

export interface JudgedEvent {
  readonly event: AcceptedEvent;
  /** Broker time: the flood window uses it because a client cannot forge it. */
  readonly enqueuedAtMs: number;
  /** W3C trace context carried from the gateway (empty when the message had none). */
  readonly traceparent: string;
  /** `eventDigest(event)`, recorded with the verdict. */
  readonly bodyHash: string;
}

/**
 * Judges one player's batch in order against the loaded state, carrying the effects of each
 * event into the next (its value joins the history, its arrival the flood window, its flag the
 * flag window), exactly as the store will record them. Events already judged keep their verdict.
 */
export function judgeBatch(options: {
  readonly events: readonly JudgedEvent[];
  readonly state: PlayerState;
  readonly params: FairnessParams;
  readonly policy: SanctionPolicy;
  readonly nowMs: number;
}): Decision[] {
  const { state, params, policy, nowMs } = options;
  const histories = new Map(Object.entries(state.histories).map(([type, values]) => [type, [...values]]));
  const eventTimes = [...state.recentEventTimes];
  const flagTimes = [...state.flagTimes];
  let priorSanctions = state.priorSanctions;
  const decisions: Decision[] = [];
  const seen = new Set<string>();
  // The population sample does not change within a batch: sort it once per key, not per event.
  const populationSpreads = new Map<string, RobustSpread>();
  const populationSpread = (key: string, values: readonly number[]): RobustSpread | undefined => {
    if (values.length === 0) return undefined;
    let spread = populationSpreads.get(key);
    if (spread === undefined) {
      spread = logSpread(values);
      populationSpreads.set(key, spread);
    }
    return spread;
  };

  for (const { event, enqueuedAtMs, bodyHash } of options.events) {
    const value = eventValue(event);
    const key = historyKey(event);
    const already = state.recorded.get(event.eventId);
    if (already !== undefined || seen.has(event.eventId)) {
      // A redelivery, or the same eventId twice in one batch: the first verdict stands, no effects.
      const first = already ?? decisions.find((d) => d.eventId === event.eventId)?.recorded;
      if (first !== undefined) decisions.push({ eventId: event.eventId, type: key, value, enqueuedAtMs, recorded: first });
      continue;
    }
    seen.add(event.eventId);
    const history = histories.get(key) ?? [];
    const eventsLastSecond = eventTimes.filter((t) => t > enqueuedAtMs - 1000 && t <= enqueuedAtMs).length;
    const population = state.population[key] ?? [];
    const spread = history.length >= params.minHistory ? undefined : populationSpread(key, population);
    const verdict = judge(event, { history, eventsLastSecond, population, ...(spread === undefined ? {} : { populationSpread: spread }) }, params);

    eventTimes.push(enqueuedAtMs);
    let recorded: RecordedVerdict = { verdict, bodyHash };
    if (verdict.kind === 'pass' && value !== undefined) {
      history.push(value);
      histories.set(key, history.slice(-params.history));
    } else if (verdict.kind === 'flag') {
      flagTimes.push(nowMs);
      const flagsInWindow = flagTimes.filter((t) => t > nowMs - policy.flagWindowS * 1000).length;
      const sanction = sanctionFor({ flagsInWindow, priorSanctions, nowMs, policy });
      if (sanction !== undefined) {
        recorded = { verdict, sanction, bodyHash };
        priorSanctions += 1;
        // A block starts a fresh count: the flags that caused it do not trigger the next one.
        flagTimes.length = 0;
      }
    }
    decisions.push({ eventId: event.eventId, type: key, value, enqueuedAtMs, recorded });
  }
  return decisions;
}
