import { DependencyUnavailableError } from '../errors/errors.js';
import type { Logger } from '../logging/logger.js';
import type { OutgoingMessage, Publisher, ReceivedMessage } from '../messaging/bus.js';
import type { SanctionStore } from '../ingestion/ports.js';
import type { EnvelopeSchema } from '../ingestion/envelope.js';
import { invalidEnvelopes, parseMessages } from '../ingestion/parse-messages.js';
import type { FairnessAudit } from './audit.js';
import { judgeBatch, type JudgedEvent } from './judge-batch.js';
import type { Decision, FairnessStore } from './ports.js';
import { historyKey, type FairnessParams, type SanctionPolicy, type Verdict } from './verdict.js';

/** What the gate reports, for metrics; kept as plain callbacks so core stays free of prom-client. */
export interface GateObserver {
  verdict(verdict: Verdict, seconds: number): void;
  sanction(untilMs: number): void;
}

export interface FairnessGateOptions {
  readonly store: FairnessStore;
  readonly audit: FairnessAudit;
  readonly sanctions: SanctionStore;
  readonly publisher: Publisher;
  readonly verifiedTopic: string;
  readonly schema: EnvelopeSchema;
  readonly params: FairnessParams;
  readonly policy: SanctionPolicy;
  readonly logger: Logger;
  readonly observer: GateObserver;
  readonly now: () => number;
}

/**
 * The gate between ingestion and the game state (DESIGN §3, §7): per player, in order, each event
 * passes (forwarded to the verified topic), is flagged (quarantined and audited, never forwarded)
 * or is dropped (flood). Effects after the verdict (publish, audit, block) are idempotent and are
 * re-applied on a redelivery from the recorded verdict, so a crash between steps loses nothing and
 * duplicates nothing.
 */
export class FairnessGate {
  readonly #o: FairnessGateOptions;

  constructor(options: FairnessGateOptions) {
    this.#o = options;
  }

  async process(batch: readonly ReceivedMessage[]): Promise<void> {
    const started = this.#o.now();
    const parsed = parseMessages(batch, { schema: this.#o.schema, currentSeason: 1 });
    const events: JudgedEvent[] = parsed.events.map(({ message, event }) => {
      const traceparent = message.applicationProperties.traceparent;
      return { event, enqueuedAtMs: message.enqueuedTimeUtc.getTime(), traceparent: typeof traceparent === 'string' ? traceparent : '' };
    });
    const byPlayer = new Map<string, JudgedEvent[]>();
    for (const judged of events) {
      const list = byPlayer.get(judged.event.playerId) ?? [];
      list.push(judged);
      byPlayer.set(judged.event.playerId, list);
    }
    const forward: OutgoingMessage[] = [];
    for (const [playerId, playerEvents] of byPlayer) {
      forward.push(...(await this.#processPlayer(playerId, playerEvents, started)));
    }
    if (forward.length > 0) {
      try {
        await this.#o.publisher.send(this.#o.verifiedTopic, forward);
      } catch (error: unknown) {
        // The verdicts are recorded; a retry re-publishes them (the topic dedups by messageId).
        throw new DependencyUnavailableError({ dependency: 'bus', cause: error });
      }
    }
    const poison = invalidEnvelopes(parsed.poison);
    if (poison !== undefined) throw poison;
  }

  async #processPlayer(playerId: string, events: readonly JudgedEvent[], started: number): Promise<OutgoingMessage[]> {
    const { store, params, policy } = this.#o;
    const nowMs = this.#o.now();
    const state = await store.load({ playerId, eventIds: events.map((e) => e.event.eventId), types: [...new Set(events.map((e) => historyKey(e.event)))], nowMs });
    const decisions = judgeBatch({ events, state, params, policy, nowMs });
    const recorded = await store.commit({ playerId, decisions, nowMs });
    const forward: OutgoingMessage[] = [];
    const seconds = (this.#o.now() - started) / 1000;
    for (const [index, decision] of decisions.entries()) {
      const judged = events[index];
      if (judged === undefined) continue;
      const final = recorded.get(decision.eventId) ?? decision.recorded;
      const isFirst = !state.recorded.has(decision.eventId);
      if (isFirst) this.#o.observer.verdict(final.verdict, seconds);
      const message = await this.#apply({ judged, decision: { ...decision, recorded: final }, nowMs });
      if (message !== undefined) forward.push(message);
    }
    return forward;
  }

  /** The effects of one verdict; all idempotent, so a redelivery simply re-applies them. */
  async #apply(options: { judged: JudgedEvent; decision: Decision; nowMs: number }): Promise<OutgoingMessage | undefined> {
    const { judged, decision, nowMs } = options;
    const { event } = judged;
    const { verdict, sanction } = decision.recorded;
    const log = this.#o.logger.child({ eventId: event.eventId, playerId: event.playerId, traceparent: judged.traceparent });
    switch (verdict.kind) {
      case 'pass':
        return toVerifiedMessage(judged, verdict);
      case 'drop':
        log.info('event dropped', { reason: verdict.reason, eventsInSecond: verdict.value });
        return undefined;
      case 'flag': {
        const atMs = judged.enqueuedAtMs;
        await this.#o.audit.quarantine({ event, verdict, traceparent: judged.traceparent, quarantinedAtMs: atMs });
        await this.#o.audit.record({ kind: 'flag', playerId: event.playerId, eventId: event.eventId, atMs, verdict });
        log.warn('event flagged', { rule: verdict.rule, value: verdict.value, statistic: verdict.statistic, threshold: verdict.threshold });
        if (sanction !== undefined) {
          const reason = `${policyReason(this.#o.policy)} (last: ${verdict.rule})`;
          await this.#o.sanctions.block({ playerId: event.playerId, untilMs: sanction.untilMs, reason, nowMs });
          await this.#o.audit.record({ kind: 'sanction', playerId: event.playerId, eventId: event.eventId, atMs, untilMs: sanction.untilMs, seconds: sanction.seconds, reason });
          this.#o.observer.sanction(sanction.untilMs);
          log.warn('player blocked', { untilMs: sanction.untilMs, seconds: sanction.seconds });
        }
        return undefined;
      }
    }
  }


}

function policyReason(policy: SanctionPolicy): string {
  return `${policy.flagThreshold} flags within ${policy.flagWindowS} s`;
}

/** DESIGN §3: same messageId, sessionId and properties as on the ingress queue, plus the verdict. */
export function toVerifiedMessage(judged: JudgedEvent, verdict: Verdict): OutgoingMessage {
  const { event } = judged;
  return {
    messageId: event.eventId,
    sessionId: event.playerId,
    body: event,
    applicationProperties: { type: event.type, playerId: event.playerId, season: event.season, traceparent: judged.traceparent, verdict: verdict.kind },
  };
}
