import { DependencyUnavailableError } from '../errors/errors.js';
import type { Logger } from '../logging/logger.js';
import type { OutgoingMessage, Publisher, ReceivedMessage } from '../messaging/bus.js';
import type { SanctionStore } from '../ingestion/ports.js';
import type { EnvelopeSchema } from '../ingestion/envelope.js';
import { eventDigest } from '../ingestion/event-digest.js';
import { invalidEnvelopes, parseMessages, type ParsedMessages } from '../ingestion/parse-messages.js';
import { PoisonMessageError } from '../messaging/poison.js';
import type { FairnessAudit } from './audit.js';
import { judgeBatch, type JudgedEvent } from './judge-batch.js';
import type { Decision, FairnessStore } from './ports.js';
import { splitReused } from './reused-ids.js';
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
      return { event, enqueuedAtMs: message.enqueuedTimeUtc.getTime(), traceparent: typeof traceparent === 'string' ? traceparent : '', bodyHash: eventDigest(event) };
    });
    const byPlayer = new Map<string, JudgedEvent[]>();
    for (const judged of events) {
      const list = byPlayer.get(judged.event.playerId) ?? [];
      list.push(judged);
      byPlayer.set(judged.event.playerId, list);
    }
    const forward: OutgoingMessage[] = [];
    const reused: JudgedEvent[] = [];
    for (const [playerId, playerEvents] of byPlayer) {
      const result = await this.#processPlayer(playerId, playerEvents, started);
      forward.push(...result.forward);
      reused.push(...result.reused);
    }
    if (forward.length > 0) {
      try {
        await this.#o.publisher.send(this.#o.verifiedTopic, forward);
      } catch (error: unknown) {
        // The verdicts are recorded; a retry re-publishes them (the topic dedups by messageId).
        throw new DependencyUnavailableError({ dependency: 'bus', cause: error });
      }
    }
    const poison = unprocessable(parsed.poison, reused);
    if (poison !== undefined) throw poison;
  }

  async #processPlayer(playerId: string, batch: readonly JudgedEvent[], started: number): Promise<{ forward: OutgoingMessage[]; reused: JudgedEvent[] }> {
    const { store, params, policy } = this.#o;
    const nowMs = this.#o.now();
    const state = await store.load({ playerId, eventIds: batch.map((e) => e.event.eventId), types: [...new Set(batch.map((e) => historyKey(e.event)))], nowMs });
    const { fresh: events, reused } = splitReused(batch, state.recorded);
    for (const { event } of reused) {
      this.#o.logger.warn('eventId reused with another body; dead-lettered', { eventId: event.eventId, playerId, type: event.type });
    }
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
    return { forward, reused };
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

/**
 * Invalid envelopes and reused eventIds can never succeed: one error dead-letters both kinds after
 * the rest of the batch was handled (a bus settles a batch with one error).
 */
function unprocessable(invalid: ParsedMessages['poison'], reused: readonly JudgedEvent[]): PoisonMessageError | undefined {
  if (reused.length === 0) return invalidEnvelopes(invalid);
  const reuseDescription = `eventId reused with a different body: ${reused.map((r) => r.event.eventId).join(', ')}`;
  const invalidError = invalidEnvelopes(invalid);
  return new PoisonMessageError({
    messageIds: [...(invalidError?.messageIds ?? []), ...reused.map((r) => r.event.eventId)],
    reason: invalidError === undefined ? 'EventIdReused' : `${invalidError.reason}+EventIdReused`,
    description: [invalidError?.message, reuseDescription].filter((d) => d !== undefined).join('; ').slice(0, 1000),
    othersHandled: true,
  });
}

function policyReason(policy: SanctionPolicy): string {
  return `${policy.flagThreshold} flags within ${policy.flagWindowS} s`;
}

/** DESIGN §3: same messageId, sessionId and properties as on the ingress queue, plus the verdict. */
export function toVerifiedMessage(judged: Pick<JudgedEvent, 'event' | 'traceparent'>, verdict: Verdict): OutgoingMessage {
  const { event } = judged;
  return {
    messageId: event.eventId,
    sessionId: event.playerId,
    body: event,
    applicationProperties: { type: event.type, playerId: event.playerId, season: event.season, traceparent: judged.traceparent, verdict: verdict.kind },
  };
}
