import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../src/adapters/memory/memory-bus.js';
import type { AppContext } from '../../../src/app/app-context.js';
import type { OutgoingMessage, ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { fairness } from '../../../src/functions/fairness/fairness.js';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { startBusConsumers } from '../../../src/local/bus-runner.js';
import { testApp } from '../../support/app.js';
import { handlerOf, signedRequest } from '../../support/gateway.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** The embedded app with the fairness function consuming, and a recorder on the progression subscription. */
/** Tests send a player's events faster than any human: the flood rule is opened up unless tested. */
function setup(env: Record<string, string> = { FLOOD_MAX_PER_SEC: '1000' }): { app: AppContext; bus: MemoryBus; verified: ReceivedMessage[] } {
  const { app } = testApp({ env });
  const { bus } = app;
  if (!(bus instanceof MemoryBus)) throw new Error('expected the memory bus');
  const verified: ReceivedMessage[] = [];
  running.push(bus.subscribe({ source: { topic: 'liveops-verified', subscription: 'progression' }, maxBatchSize: 100, handler: (batch) => { verified.push(...batch); return Promise.resolve(); } }));
  running.push(startBusConsumers({ app, definitions: [fairness] }));
  return { app, bus, verified };
}

function bossKill(playerId: string, points: number, eventId: string = randomUUID()): OutgoingMessage {
  const event = { eventId, type: 'boss_kill', playerId, ts: Date.now(), season: 1, payload: { bossId: 'dragon', tier: 3, points } };
  return { messageId: eventId, sessionId: playerId, body: event, applicationProperties: { type: 'boss_kill', playerId, season: 1, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } };
}

const HONEST = [1400, 1520, 1480, 1610, 1390, 1550, 1500, 1470, 1530, 1600, 1450, 1490];

/** Sends one message at a time and waits, like a player's events arriving over minutes. */
async function sendEach(bus: MemoryBus, messages: readonly OutgoingMessage[]): Promise<void> {
  for (const message of messages) {
    await bus.send('liveops-ingress', [message]);
    await bus.idle();
  }
}

describe('fairness function on the embedded bus', () => {
  it('forwards honest events to the verified topic with the same ids, properties and the verdict', async () => {
    const { bus, verified } = setup();
    const messages = HONEST.map((points) => bossKill('honest_1', points));
    await sendEach(bus, messages);
    expect(verified.map((m) => m.messageId)).toEqual(messages.map((m) => m.messageId));
    expect(verified[0]).toMatchObject({ sessionId: 'honest_1', applicationProperties: { type: 'boss_kill', playerId: 'honest_1', season: 1, verdict: 'pass', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
  });

  it('quarantines and audits a ×10 spike instead of forwarding it', async () => {
    const { app, bus, verified } = setup();
    await sendEach(bus, HONEST.map((points) => bossKill('spiker', points)));
    const spike = bossKill('spiker', 15_000);
    await sendEach(bus, [spike]);
    expect(verified.map((m) => m.messageId)).not.toContain(spike.messageId);
    const [quarantined] = (await app.fairness.audit.listQuarantine({ playerId: 'spiker', limit: 10 })).items;
    expect(quarantined).toMatchObject({ event: { eventId: spike.messageId }, verdict: { kind: 'flag', rule: 'anomaly', value: 15_000, threshold: 3.5 } });
    expect((await app.fairness.audit.entries({ playerId: 'spiker', limit: 10 })).items.map((e) => e.kind)).toEqual(['flag']);
  });

  it('judges a new player against the population', async () => {
    const { app, bus } = setup();
    // The population sample counts once it holds 10 × FAIRNESS_MIN_HISTORY values.
    await sendEach(bus, Array.from({ length: 110 }, (_, i) => bossKill(`crowd_${i}`, HONEST[i % HONEST.length] ?? 1500)));
    await sendEach(bus, [bossKill('newbie', 20_000)]);
    expect((await app.fairness.audit.listQuarantine({ playerId: 'newbie', limit: 1 })).items[0]?.verdict.rule).toBe('anomaly-population');
  });

  it('drops a flood beyond FLOOD_MAX_PER_SEC and counts it', async () => {
    const { app, bus, verified } = setup({});
    await bus.send('liveops-ingress', Array.from({ length: 14 }, () => bossKill('flooder', 1500)));
    await bus.idle();
    expect(verified).toHaveLength(10);
    expect(await app.metrics.getSingleMetricAsString('liveops_dropped_events_total')).toContain('liveops_dropped_events_total{reason="flood",service="liveops"} 4');
  });

  it('blocks after FLAG_THRESHOLD flags: the gateway answers 403, and 202 again once lifted', async () => {
    const { app, bus } = setup();
    await sendEach(bus, HONEST.map((points) => bossKill('cheater', points)));
    await sendEach(bus, [bossKill('cheater', 15_000), bossKill('cheater', 16_000), bossKill('cheater', 17_000)]);
    const sanction = await app.stores.sanctions.activeSanction({ playerId: 'cheater', nowMs: Date.now() });
    expect(sanction?.reason).toMatch(/^3 flags within 3600 s/);
    // Newest first: the sanction shares its flag's time and is listed before it.
    expect((await app.fairness.audit.entries({ playerId: 'cheater', limit: 10 })).items.map((e) => e.kind)).toEqual(['sanction', 'flag', 'flag', 'flag']);

    const post = handlerOf(postEvent, { ...app, now: () => Date.now() });
    const event = (): Record<string, unknown> => ({ eventId: randomUUID(), type: 'boss_kill', playerId: 'cheater', ts: Date.now(), payload: { bossId: 'dragon', tier: 3, points: 1500 } });
    const tS = Math.floor(Date.now() / 1000);
    expect((await post(signedRequest({ body: event(), tS }))).status).toBe(403);
    await app.stores.sanctions.unblock({ playerId: 'cheater' });
    expect((await post(signedRequest({ body: event(), tS }))).status).toBe(202);
  });

  it('dead-letters an invalid envelope with a reason and still judges the rest of the batch', async () => {
    const { bus, verified } = setup();
    const good = bossKill('mixed', 1500);
    await bus.send('liveops-ingress', [good, { messageId: 'bad-1', sessionId: 'mixed', body: { nonsense: true }, applicationProperties: {} }]);
    await bus.idle();
    expect(verified.map((m) => m.messageId)).toEqual([good.messageId]);
    expect(bus.deadLetters({ queue: 'liveops-ingress' })).toEqual([expect.objectContaining({ reason: 'InvalidEnvelope', message: expect.objectContaining({ messageId: 'bad-1' }) as unknown })]);
  });
});
