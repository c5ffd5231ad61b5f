import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { instrumentBusHandler, type BusCall } from '../../../src/functions/bus/instrument.js';
import { toServiceBusTrigger } from '../../../src/functions/service-bus-trigger.js';
import { testApp } from '../../support/app.js';

const TRACE_A = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TRACE_B = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function message(id: string, options: { deliveryCount?: number; traceparent?: string } = {}): ReceivedMessage {
  return {
    messageId: id,
    sessionId: 'player_1',
    body: { id },
    applicationProperties: options.traceparent === undefined ? {} : { traceparent: options.traceparent },
    deliveryCount: options.deliveryCount ?? 1,
    enqueuedTimeUtc: new Date(0),
  };
}

/** Calls the wrapped handler as the Functions host would, with a batch of `cardinality: 'many'`. */
async function invoke(handler: ReturnType<typeof instrumentBusHandler>, batch: readonly ReceivedMessage[]): Promise<void> {
  const { messages, triggerMetadata } = toServiceBusTrigger(batch, { cardinality: 'many' });
  await handler(messages, new InvocationContext({ functionName: 'consumer', invocationId: 'inv-1', triggerMetadata }));
}

async function sample(app: ReturnType<typeof testApp>['app'], outcome: string): Promise<number> {
  const metric = await app.metrics.getSingleMetric('liveops_messages_total')?.get();
  return metric?.values.find((v) => v.labels.outcome === outcome && v.labels.function === 'consumer')?.value ?? 0;
}

describe('instrumentBusHandler', () => {
  it('counts a handled batch as completed and records its size and duration', async () => {
    const { app } = testApp();
    const seen: BusCall[] = [];
    const handler = instrumentBusHandler({ app, name: 'consumer', handle: (call) => { seen.push(call); return Promise.resolve(); } });
    await invoke(handler, [message('a'), message('b')]);
    expect(seen[0]?.batch.map((m) => m.messageId)).toEqual(['a', 'b']);
    expect(await sample(app, 'completed')).toBe(2);
    const size = await app.metrics.getSingleMetric('liveops_message_batch_size')?.get();
    expect(size?.values).toContainEqual(expect.objectContaining({ metricName: 'liveops_message_batch_size_sum', value: 2 }));
    const duration = await app.metrics.getSingleMetric('liveops_message_batch_duration_seconds')?.get();
    expect(duration?.values).toContainEqual(expect.objectContaining({ metricName: 'liveops_message_batch_duration_seconds_count', value: 1 }));
  });

  it('puts the batch trace context on every line the handler logs', async () => {
    const { app, lines } = testApp({ captureLogs: true });
    const one = instrumentBusHandler({ app, name: 'consumer', handle: ({ logger }) => { logger.info('working'); return Promise.resolve(); } });
    await invoke(one, [message('a', { traceparent: TRACE_A }), message('b', { traceparent: TRACE_A })]);
    await invoke(one, [message('c', { traceparent: TRACE_A }), message('d', { traceparent: TRACE_B })]);
    const working = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'working');
    expect(working[0]).toMatchObject({ function: 'consumer', invocationId: 'inv-1', traceparent: TRACE_A });
    expect(working[1]).toMatchObject({ traceparents: [TRACE_A, TRACE_B] });
    const received = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'message received');
    expect(received.map((l) => [l.messageId, l.traceparent])).toEqual([['a', TRACE_A], ['b', TRACE_A], ['c', TRACE_A], ['d', TRACE_B]]);
  });

  it('counts failed messages, and those on their last delivery as dead-lettered, then rethrows', async () => {
    const { app, lines } = testApp({ env: { BUS_MAX_DELIVERY_COUNT: '3' }, captureLogs: true });
    const failure = new Error('redis down');
    const handler = instrumentBusHandler({ app, name: 'consumer', handle: () => Promise.reject(failure) });
    await expect(invoke(handler, [message('a', { deliveryCount: 1 }), message('b', { deliveryCount: 3, traceparent: TRACE_B })])).rejects.toBe(failure);
    expect(await sample(app, 'failed')).toBe(1);
    expect(await sample(app, 'dead_lettered')).toBe(1);
    const deadLine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error');
    expect(deadLine).toMatchObject({ messageId: 'b', deliveryCount: 3, traceparent: TRACE_B });
  });

  it('counts poison messages apart, and the rest as completed when the handler says so', async () => {
    const { app } = testApp();
    const poison = new PoisonMessageError({ messageIds: ['bad'], reason: 'InvalidEnvelope', description: 'bad: nonsense', othersHandled: true });
    const handler = instrumentBusHandler({ app, name: 'consumer', handle: () => Promise.reject(poison) });
    await expect(invoke(handler, [message('good'), message('bad')])).rejects.toBe(poison);
    expect(await sample(app, 'poison')).toBe(1);
    expect(await sample(app, 'completed')).toBe(1);
    expect(await sample(app, 'failed')).toBe(0);
  });
});
