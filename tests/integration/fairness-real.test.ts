import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryBus } from '../../src/adapters/memory/memory-bus.js';
import type { AppContext } from '../../src/app/app-context.js';
import type { OutgoingMessage } from '../../src/core/messaging/bus.js';
import { fairness } from '../../src/functions/fairness/fairness.js';
import { postEvent } from '../../src/functions/gateway/events.js';
import { startBusConsumers } from '../../src/local/bus-runner.js';
import { testApp } from '../support/app.js';
import { handlerOf, signedRequest } from '../support/gateway.js';
import { integrationSuite, startAzurite, type Azurite } from '../support/services.js';

integrationSuite('fairness on real Redis and Azurite', ['redis'], (urls) => {
  let azurite: Azurite | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await azurite?.stop();
  });

  function start(): { app: AppContext; bus: MemoryBus } {
    if (azurite === undefined) throw new Error('Azurite did not start');
    const { app } = testApp({ env: { REDIS_URL: urls.redis, TABLES_CONNECTION: azurite.connectionString, FLOOD_MAX_PER_SEC: '1000' } });
    const { bus } = app;
    if (!(bus instanceof MemoryBus)) throw new Error('expected the memory bus');
    const consumers = startBusConsumers({ app, definitions: [fairness] });
    cleanup.push(() => consumers.close(), () => app.close());
    return { app, bus };
  }

  function bossKill(playerId: string, points: number): OutgoingMessage {
    const eventId = randomUUID();
    return { messageId: eventId, sessionId: playerId, body: { eventId, type: 'boss_kill', playerId, ts: Date.now(), season: 1, payload: { bossId: 'dragon', tier: 3, points } }, applicationProperties: { type: 'boss_kill', playerId, season: 1, traceparent: '' } };
  }

  it('flags and quarantines spikes in Table Storage, blocks in Redis, and the gateway honours the block', async () => {
    const { app, bus } = start();
    const playerId = `cheat_${randomUUID().slice(0, 8)}`;
    for (const points of [1400, 1520, 1480, 1610, 1390, 1550, 1500, 1470, 1530, 1600, 1450, 1490, 15_000, 16_000, 17_000]) {
      await bus.send('liveops-ingress', [bossKill(playerId, points)]);
      await bus.idle();
    }
    const { items: quarantined } = await app.fairness.audit.listQuarantine({ playerId, limit: 10 });
    expect(quarantined.map((q) => q.verdict.value).sort()).toEqual([15_000, 16_000, 17_000]);
    // Newest first: the sanction shares its flag's time and is listed before it.
    expect((await app.fairness.audit.entries({ playerId, limit: 10 })).items.map((e) => e.kind)).toEqual(['sanction', 'flag', 'flag', 'flag']);

    const post = handlerOf(postEvent, { ...app, now: () => Date.now() });
    const body = { eventId: randomUUID(), type: 'boss_kill', playerId, ts: Date.now(), payload: { bossId: 'dragon', tier: 3, points: 1500 } };
    const tS = Math.floor(Date.now() / 1000);
    expect((await post(signedRequest({ body, tS }))).status).toBe(403);
    await app.stores.sanctions.unblock({ playerId });
    expect((await post(signedRequest({ body, tS }))).status).toBe(202);
  });

  it('records the verdict and the history in Redis', async () => {
    const { app, bus } = start();
    const playerId = `once_${randomUUID().slice(0, 8)}`;
    const message = bossKill(playerId, 1500);
    await bus.send('liveops-ingress', [message]);
    await bus.idle();
    const state = await app.fairness.store.load({ playerId, eventIds: [message.messageId], types: ['boss_kill:t3'], nowMs: Date.now() });
    expect(state.recorded.get(message.messageId)?.verdict).toEqual({ kind: 'pass' });
    expect(state.histories['boss_kill:t3']).toEqual([1500]);
  });
});
