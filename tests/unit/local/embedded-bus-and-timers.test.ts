import type { InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionDefinition, ServiceBusQueueFunctionDefinition, ServiceBusTopicFunctionDefinition, TimerFunctionDefinition } from '../../../src/functions/definition.js';
import { SERVICE_BUS_CONNECTION_SETTING } from '../../../src/functions/definition.js';
import { fromServiceBusTrigger } from '../../../src/functions/service-bus-trigger.js';
import { MemoryBus } from '../../../src/adapters/memory/memory-bus.js';
import type { OutgoingMessage, ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { startEmbeddedHost, type EmbeddedHost } from '../../../src/local/embedded-host.js';
import { DEAD_LETTERS_PATH, hostRoutes } from '../../../src/local/host-routes.js';
import { testApp } from '../../support/app.js';

let host: EmbeddedHost | undefined;
afterEach(async () => {
  await host?.stop(1000);
  host = undefined;
});

function event(playerId: string, n: number, extra: Record<string, unknown> = {}): OutgoingMessage {
  return {
    messageId: `${playerId}-${n}`,
    sessionId: playerId,
    body: { eventId: `${playerId}-${n}`, playerId, n, ...extra },
    applicationProperties: { type: 'progression' },
  };
}

/** A queue-triggered function that records what it received; `fail` decides which batches throw. */
function recordingQueueFunction(fail: (batch: readonly ReceivedMessage[]) => boolean): {
  definition: ServiceBusQueueFunctionDefinition;
  received: ReceivedMessage[][];
} {
  const received: ReceivedMessage[][] = [];
  const definition: ServiceBusQueueFunctionDefinition = {
    kind: 'serviceBusQueue',
    name: 'recordIngress',
    options: { connection: SERVICE_BUS_CONNECTION_SETTING, queueName: '%BUS_INGRESS_QUEUE%', isSessionsEnabled: true, cardinality: 'many' },
    handler: () => (messages: unknown, context: InvocationContext) => {
      const batch = fromServiceBusTrigger(messages, context);
      received.push(batch);
      return fail(batch) ? Promise.reject(new Error('handler failed on purpose')) : Promise.resolve();
    },
  };
  return { definition, received };
}

async function start(definitions: readonly FunctionDefinition[], env: Record<string, string> = {}): Promise<{ bus: MemoryBus; url: string }> {
  const { app } = testApp({ env });
  host = await startEmbeddedHost({ app, definitions, port: 0, host: '127.0.0.1', extraRoutes: hostRoutes(app) });
  const { bus } = app;
  if (!(bus instanceof MemoryBus)) throw new Error('expected the embedded default bus');
  return { bus, url: host.url };
}

describe('embedded host bus delivery', () => {
  it('delivers a session in send order with the Functions trigger metadata', async () => {
    const { definition, received } = recordingQueueFunction(() => false);
    const { bus } = await start([definition]);
    await bus.send('liveops-ingress', [event('p1', 1), event('p2', 1), event('p1', 2), event('p1', 3)]);
    await bus.idle();
    const p1 = received.flat().filter((m) => m.sessionId === 'p1');
    expect(p1.map((m) => m.messageId)).toEqual(['p1-1', 'p1-2', 'p1-3']);
    expect(p1[0]).toMatchObject({ deliveryCount: 1, applicationProperties: { type: 'progression' }, body: { n: 1 } });
    expect(received.flat()).toHaveLength(4);
  });

  it('redelivers a failing message up to BUS_MAX_DELIVERY_COUNT, then lists it as dead-lettered', async () => {
    const { definition, received } = recordingQueueFunction((batch) => batch.some((m) => m.messageId === 'bad-1'));
    const { bus, url } = await start([definition], { BUS_MAX_DELIVERY_COUNT: '3' });
    await bus.send('liveops-ingress', [event('bad', 1)]);
    await bus.idle();
    expect(received.map((batch) => batch.map((m) => m.deliveryCount))).toEqual([[1], [2], [3]]);

    const res = await fetch(`${url}${DEAD_LETTERS_PATH}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sources: { source: string; deadLetters: { messageId: string; reason: string; description: string }[] }[] };
    const ingress = body.sources.find((s) => s.source === 'liveops-ingress');
    expect(ingress?.deadLetters).toEqual([
      expect.objectContaining({ messageId: 'bad-1', reason: 'MaxDeliveryCountExceeded', description: 'handler failed on purpose' }),
    ]);
  });

  it('fans a topic message out to a subscription-triggered function, one message per call when cardinality is one', async () => {
    const seen: unknown[] = [];
    const topicFunction: ServiceBusTopicFunctionDefinition = {
      kind: 'serviceBusTopic',
      name: 'recordProgression',
      options: {
        connection: SERVICE_BUS_CONNECTION_SETTING,
        topicName: '%BUS_VERIFIED_TOPIC%',
        subscriptionName: '%BUS_SUB_PROGRESSION%',
        isSessionsEnabled: true,
        cardinality: 'one',
      },
      handler: () => (message: unknown, context: InvocationContext) => {
        seen.push({ body: message, messageId: context.triggerMetadata?.messageId });
        return Promise.resolve();
      },
    };
    const { bus } = await start([topicFunction]);
    await bus.send('liveops-verified', [event('p9', 1)]);
    await bus.idle();
    expect(seen).toEqual([{ body: expect.objectContaining({ playerId: 'p9' }) as unknown, messageId: 'p9-1' }]);
  });
});

describe('embedded host timers', () => {
  it('runs a timer function on its cron schedule with the Timer shape', async () => {
    const ticks: { isPastDue: boolean; next: string }[] = [];
    let resolveTick: () => void = () => undefined;
    const ticked = new Promise<void>((resolve) => { resolveTick = resolve; });
    const everySecond: TimerFunctionDefinition = {
      kind: 'timer',
      name: 'tick',
      options: { schedule: '* * * * * *' },
      handler: () => (timer) => {
        ticks.push({ isPastDue: timer.isPastDue, next: timer.scheduleStatus.next });
        resolveTick();
      },
    };
    await start([everySecond]);
    await ticked;
    expect(ticks[0]?.isPastDue).toBe(false);
    expect(Number.isNaN(Date.parse(ticks[0]?.next ?? ''))).toBe(false);
  });

  it('resolves %SNAPSHOT_CRON% from settings', async () => {
    let calls = 0;
    const snapshot: TimerFunctionDefinition = {
      kind: 'timer',
      name: 'snapshot',
      options: { schedule: '%SNAPSHOT_CRON%', runOnStartup: true },
      handler: () => () => { calls += 1; },
    };
    await start([snapshot], { SNAPSHOT_CRON: '0 0 0 1 1 *' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
  });
});
