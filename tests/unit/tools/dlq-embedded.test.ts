import { describe, expect, it } from 'vitest';
import { defaultTopology, MemoryBus } from '../../../src/adapters/memory/memory-bus.js';
import type { AppContext } from '../../../src/app/app-context.js';
import { DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { embeddedDeadLetterFunctions } from '../../../src/local/dead-letter-admin.js';
import { startEmbeddedHost } from '../../../src/local/embedded-host.js';
import { runAgainstEmbedded } from '../../../src/tools/dlq-run.js';
import { testApp } from '../../support/app.js';

/** An app whose ingress consumer dead-letters its first message, as a poison would. */
function poisonedApp(): AppContext {
  const { app: base } = testApp({ now: () => Date.now() });
  const bus = new MemoryBus({ topology: defaultTopology(base.settings.bus), now: () => Date.now() });
  bus.subscribe({
    source: { queue: base.settings.bus.ingressQueue },
    maxBatchSize: 10,
    handler: (batch) => Promise.reject(new PoisonMessageError({ messageIds: batch.map((m) => m.messageId), reason: 'InvalidEnvelope', description: 'test poison' })),
  });
  return { ...base, bus, close: () => base.close() };
}

// `npm run dlq -- --url …` against a running embedded host, over a real socket: the filtered list
// signs its query and the replay signs its Idempotency-Key (issue #19 item 3), or the host says 401.
describe('npm run dlq against the embedded host', () => {
  it('lists with a filter and replays (dry run), each request signed as the admin routes require', async () => {
    const app = poisonedApp();
    await app.bus.send(app.settings.bus.ingressQueue, [{ messageId: 'evt-1', sessionId: 'player_1', body: { x: 1 }, applicationProperties: { type: 'progression' } }]);
    const host = await startEmbeddedHost({ app, definitions: embeddedDeadLetterFunctions, port: 0, host: '127.0.0.1', timers: false });
    try {
      const connection = { url: host.url, kid: 'dev', key: DEVELOPMENT_HMAC_KEY };
      let listed: unknown = {};
      for (let i = 0; i < 50; i += 1) {
        listed = await runAgainstEmbedded({ command: { kind: 'list', filter: { reason: 'InvalidEnvelope' } }, connection, nowMs: Date.now() });
        if (JSON.stringify(listed).includes('evt-1')) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(listed).toMatchObject({ deadLetters: [{ messageId: 'evt-1', reason: 'InvalidEnvelope' }] });
      const none = await runAgainstEmbedded({ command: { kind: 'list', filter: { reason: 'SomethingElse' } }, connection, nowMs: Date.now() });
      expect(none).toEqual({ deadLetters: [] });
      const dry = await runAgainstEmbedded({ command: { kind: 'replay', filter: {}, dryRun: true }, connection, nowMs: Date.now() });
      // Inside the bus' duplicate-detection window the replay is skipped, not resent: still a 200.
      expect(dry).toMatchObject({ dryRun: true, skipped: [{ messageId: 'evt-1' }] });
    } finally {
      await host.stop(1_000);
    }
  });
});
