import { describe, expect, it } from 'vitest';
import { defaultTopology, MemoryBus } from '../../../src/adapters/memory/memory-bus.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { embeddedDeadLetterFunctions } from '../../../src/local/dead-letter-admin.js';
import { testApp } from '../../support/app.js';
import { handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

function setup(): { app: AppContext; bus: MemoryBus; delivered: string[]; advance: (ms: number) => void } {
  let t = NOW_MS;
  const { app: base } = testApp({ now: () => t });
  // The bus on the same pinned clock, so its duplicate-detection window can be stepped past.
  const bus = new MemoryBus({ topology: defaultTopology(base.settings.bus), now: () => t });
  const app: AppContext = { ...base, bus, close: () => base.close() };
  const delivered: string[] = [];
  bus.subscribe({
    source: { queue: base.settings.bus.ingressQueue },
    maxBatchSize: 10,
    handler: (batch) => {
      delivered.push(...batch.map((m) => m.messageId));
      if (delivered.length === 1) throw new PoisonMessageError({ messageIds: batch.map((m) => m.messageId), reason: 'InvalidEnvelope', description: 'test poison' });
      return Promise.resolve();
    },
  });
  return { app, bus, delivered, advance: (ms) => { t += ms; } };
}

const [list, replay] = embeddedDeadLetterFunctions;

describe('the embedded dead-letter admin routes', () => {
  it('lists, refuses a replay inside the duplicate window, then replays with the same messageId', async () => {
    const { app, bus, delivered, advance } = setup();
    await bus.send(app.settings.bus.ingressQueue, [{ messageId: 'evt-1', sessionId: 'player_1', body: { x: 1 }, applicationProperties: { type: 'progression' } }]);
    await bus.idle();
    if (list === undefined || replay === undefined) throw new Error('routes missing');

    const listed = await handlerOf(list, app)(signedRequest({ method: 'GET', path: '/api/admin/dead-letters', body: '' }));
    expect(listed.status).toBe(200);
    expect(listed.json()).toMatchObject({ deadLetters: [{ messageId: 'evt-1', entity: app.settings.bus.ingressQueue, reason: 'InvalidEnvelope', sessionId: 'player_1' }] });

    const tooSoon = await handlerOf(replay, app)(signedRequest({ path: '/api/admin/dead-letters/replay', body: { reason: 'InvalidEnvelope' } }));
    expect(tooSoon.json()).toMatchObject({ replayed: [], skipped: [{ messageId: 'evt-1' }] });

    advance(11 * 60_000);
    const tS = Math.floor((NOW_MS + 11 * 60_000) / 1000);
    const dry = await handlerOf(replay, app)(signedRequest({ path: '/api/admin/dead-letters/replay', body: { dryRun: true }, tS }));
    expect(dry.json()).toMatchObject({ dryRun: true, replayed: [{ messageId: 'evt-1' }] });
    expect(bus.deadLetters({ queue: app.settings.bus.ingressQueue })).toHaveLength(1);

    const done = await handlerOf(replay, app)(signedRequest({ path: '/api/admin/dead-letters/replay', body: { entity: app.settings.bus.ingressQueue }, tS }));
    expect(done.status).toBe(200);
    await bus.idle();
    expect(delivered).toEqual(['evt-1', 'evt-1']);
    expect(bus.deadLetters({ queue: app.settings.bus.ingressQueue })).toEqual([]);
    await bus.close();
  });

  it('requires a signature', async () => {
    const { app, bus } = setup();
    if (replay === undefined) throw new Error('route missing');
    const unsigned = await handlerOf(replay, app)(signedRequest({ path: '/api/admin/dead-letters/replay', body: {}, headers: { 'x-signature': 'nope' } }));
    expect(unsigned.status).toBe(401);
    await bus.close();
  });
});
