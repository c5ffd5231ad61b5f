import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/adapters/logging/json-logger.js';
import { MemoryFairnessAudit } from '../../../src/adapters/memory/memory-fairness-audit.js';
import { MemoryFairnessStore } from '../../../src/adapters/memory/memory-fairness-store.js';
import { MemorySanctionStore } from '../../../src/adapters/memory/memory-sanction-store.js';
import { DEFAULT_FAIRNESS_CAPS, DEFAULT_PAYLOAD_MAX } from '../../../src/core/config/settings-payload.js';
import { DependencyUnavailableError } from '../../../src/core/errors/errors.js';
import { FairnessGate } from '../../../src/core/fairness/gate.js';
import type { Verdict } from '../../../src/core/fairness/verdict.js';
import { envelopeSchema } from '../../../src/core/ingestion/envelope.js';
import type { OutgoingMessage, ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { retryTransient } from '../../../src/functions/bus/transient-retry.js';

/** 2026-11-25T08:00:00Z */
const NOW = Date.UTC(2026, 10, 25, 8);

function received(playerId: string, points: number, offsetMs: number): ReceivedMessage {
  const eventId = randomUUID();
  return {
    messageId: eventId,
    sessionId: playerId,
    body: { eventId, type: 'boss_kill', playerId, ts: NOW, season: 1, payload: { bossId: 'dragon', tier: 3, points } },
    applicationProperties: { type: 'boss_kill', playerId, season: 1, traceparent: '' },
    deliveryCount: 1,
    enqueuedTimeUtc: new Date(NOW + offsetMs),
  };
}

function gate(): { gate: FairnessGate; store: MemoryFairnessStore; sent: OutgoingMessage[]; verdicts: Verdict[]; failSends: { n: number } } {
  const store = new MemoryFairnessStore({ historyLength: 50, populationLength: 1000, eventWindowMs: 600_000, flagWindowMs: 3_600_000, verdictTtlMs: 86_400_000 });
  const sent: OutgoingMessage[] = [];
  const verdicts: Verdict[] = [];
  const failSends = { n: 0 };
  const g = new FairnessGate({
    store,
    audit: new MemoryFairnessAudit(),
    sanctions: new MemorySanctionStore(),
    publisher: {
      send: (_entity, messages) => {
        if (failSends.n > 0) {
          failSends.n -= 1;
          return Promise.reject(new Error('bus down'));
        }
        sent.push(...messages);
        return Promise.resolve();
      },
    },
    verifiedTopic: 'liveops-verified',
    schema: envelopeSchema({ payloadMax: DEFAULT_PAYLOAD_MAX }),
    params: { floodMaxPerSec: 10, anomalyZ: 3.5, anomalyMinFactor: 3, history: 50, minHistory: 10, caps: DEFAULT_FAIRNESS_CAPS },
    policy: { flagThreshold: 3, flagWindowS: 3600, blockSec: 60, maxBlockSec: 86_400 },
    logger: silentLogger,
    observer: { verdict: (v) => { verdicts.push(v); }, sanction: () => undefined },
    now: () => NOW,
  });
  return { gate: g, store, sent, verdicts, failSends };
}

describe('FairnessGate exactly-once', () => {
  it('a redelivered batch keeps its verdicts, re-forwards the passes and counts nothing twice', async () => {
    const { gate: g, store, sent, verdicts } = gate();
    const batch = [1400, 1500, 1600].map((points, i) => received('player_1', points, i * 2000));
    await g.process(batch);
    await g.process(batch.map((m) => ({ ...m, deliveryCount: 2 })));
    expect(verdicts).toHaveLength(3);
    expect(sent.map((m) => m.messageId)).toEqual([...batch, ...batch].map((m) => m.messageId));
    const state = await store.load({ playerId: 'player_1', eventIds: [], types: ['boss_kill:t3'], nowMs: NOW });
    expect(state.histories['boss_kill:t3']).toEqual([1400, 1500, 1600]);
    expect(state.recentEventTimes).toHaveLength(3);
  });

  it('a publish failure is an outage: the retry re-publishes the recorded verdicts', async () => {
    const { gate: g, sent, failSends, verdicts } = gate();
    const batch = [received('player_2', 1500, 0)];
    failSends.n = 1;
    await expect(g.process(batch)).rejects.toBeInstanceOf(DependencyUnavailableError);
    await g.process(batch);
    expect(sent.map((m) => m.messageId)).toEqual([batch[0]?.messageId]);
    expect(verdicts).toHaveLength(1);
  });
});

describe('FairnessGate and reused eventIds (issue #19 item 1)', () => {
  function reusing(original: ReceivedMessage, body: Record<string, unknown>): ReceivedMessage {
    return { ...original, body: { ...(original.body as Record<string, unknown>), ...body }, applicationProperties: { ...original.applicationProperties, type: typeof body.type === 'string' ? body.type : 'boss_kill' } };
  }

  it('dead-letters an eventId that comes back with another body instead of forwarding it under the old verdict', async () => {
    const { gate: g, sent, verdicts } = gate();
    const first = received('player_3', 1500, 0);
    await g.process([first]);
    const forged = reusing(first, { type: 'match_end', payload: { matchId: 'm1', score: 1_000_000, durationMs: 60_000 } });
    const error = await g.process([forged]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect(error).toMatchObject({ reason: 'EventIdReused', messageIds: [first.messageId], othersHandled: true });
    expect(sent.map((m) => m.body)).toEqual([first.body]);
    expect(verdicts).toHaveLength(1);
  });

  it('still treats the same body with its keys in another order as a redelivery', async () => {
    const { gate: g, sent } = gate();
    const first = received('player_4', 1500, 0);
    const body = first.body as Record<string, unknown>;
    const reordered = { ...first, body: Object.fromEntries(Object.entries(body).reverse()) };
    await g.process([first]);
    await g.process([reordered]);
    expect(sent.map((m) => m.messageId)).toEqual([first.messageId, first.messageId]);
  });

  it('judges and forwards the rest of a batch that holds a reused id, and reports only that id', async () => {
    const { gate: g, sent } = gate();
    const first = received('player_5', 1500, 0);
    const other = received('player_6', 1400, 0);
    const forged = reusing(first, { payload: { bossId: 'dragon', tier: 3, points: 999_999 } });
    const error = await g.process([first, forged, other]).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'EventIdReused', messageIds: [first.messageId] });
    expect(sent.map((m) => m.messageId).sort()).toEqual([first.messageId, other.messageId].sort());
    expect(sent.find((m) => m.messageId === first.messageId)?.body).toEqual(first.body);
  });
});

describe('retryTransient', () => {
  it('retries a known outage with exponential backoff, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryTransient({
      operation: () => (++calls < 4 ? Promise.reject(new DependencyUnavailableError({ dependency: 'redis' })) : Promise.resolve('ok')),
      logger: silentLogger,
      maxWaitMs: 10_000,
      sleep: (ms) => { delays.push(ms); return Promise.resolve(); },
      now: () => NOW,
    });
    expect(result).toBe('ok');
    expect(delays).toEqual([250, 500, 1000]);
  });

  it('gives up after maxWaitMs, and never retries a bug', async () => {
    let t = NOW;
    const outage = new DependencyUnavailableError({ dependency: 'mysql' });
    await expect(retryTransient({ operation: () => Promise.reject(outage), logger: silentLogger, maxWaitMs: 1_000, sleep: (ms) => { t += ms; return Promise.resolve(); }, now: () => t })).rejects.toBe(outage);
    expect(t - NOW).toBeLessThanOrEqual(1_000);
    let calls = 0;
    const bug = new TypeError('bug');
    await expect(retryTransient({ operation: () => { calls += 1; return Promise.reject(bug); }, logger: silentLogger, maxWaitMs: 10_000, sleep: () => Promise.resolve() })).rejects.toBe(bug);
    expect(calls).toBe(1);
  });
});
