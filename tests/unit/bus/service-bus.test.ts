import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/adapters/logging/json-logger.js';
import { createServiceBusBus, sendInBatches, type ServiceBusBus } from '../../../src/adapters/servicebus/service-bus.js';
import { handleBatch, runSessionLoop } from '../../../src/adapters/servicebus/session-loop.js';
import type { InboundMessage } from '../../../src/adapters/servicebus/sdk-port.js';
import type { BusSource, OutgoingMessage, ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { recordingLogger } from '../../support/services.js';
import { flush, gate, type Gate, settlesNow, settleWithin, until } from './async-helpers.js';
import { FakeClient, FakeSender, SettlementLog } from './fake-service-bus.js';

const INGRESS: BusSource = { queue: 'ingress' };

function message(sessionId: string, n: number, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: `${sessionId}-${n}`,
    sessionId,
    body: { playerId: sessionId, n },
    applicationProperties: { type: 'test' },
    ...extra,
  };
}

/** A received SDK message as the JS SDK reports it: raw deliveryCount 0 on the first delivery. */
function inbound(sessionId: string, n: number, extra: Partial<InboundMessage> = {}): InboundMessage {
  return {
    messageId: `${sessionId}-${n}`,
    sessionId,
    body: { playerId: sessionId, n },
    applicationProperties: { type: 'test' },
    deliveryCount: 0,
    enqueuedTimeUtc: new Date(Date.UTC(2024, 0, 1)),
    ...extra,
  };
}

const buses: ServiceBusBus[] = [];
const gates: Gate[] = [];

function setup(options: { readonly maxConcurrentSessions?: number } = {}): { bus: ServiceBusBus; client: FakeClient } {
  const client = new FakeClient();
  const bus = createServiceBusBus({
    connectionString: 'Endpoint=sb://never-used.invalid/;SharedAccessKeyName=x;SharedAccessKey=y',
    client,
    logger: silentLogger,
    probeQueue: 'probe',
    sessionIdleMs: 5,
    maxConcurrentSessions: options.maxConcurrentSessions ?? 2,
  });
  buses.push(bus);
  return { bus, client };
}

function newGate(): Gate {
  const g = gate();
  gates.push(g);
  return g;
}

afterEach(async () => {
  for (const g of gates.splice(0)) g.open();
  await settleWithin(Promise.all(buses.splice(0).map((bus) => bus.close())), 'the buses to close');
});

describe('sendInBatches', () => {
  it('splits into several batches when tryAdd refuses, keeping the order', async () => {
    const sender = new FakeSender('ingress', { maxSizeInBytes: 1_000_000, maxMessages: 2 });
    await sendInBatches(sender, 'ingress', [1, 2, 3, 4, 5].map((n) => message('p1', n)));
    expect(sender.sent.map((batch) => batch.map((m) => m.messageId))).toEqual([['p1-1', 'p1-2'], ['p1-3', 'p1-4'], ['p1-5']]);
  });

  it('splits by size as well', async () => {
    const sender = new FakeSender('ingress', { maxSizeInBytes: 60, maxMessages: 1_000 });
    const sized = (n: number, chars: number): OutgoingMessage => message('p1', n, { body: 'x'.repeat(chars) });
    // Body sizes 28, 28, 28, 50 bytes (JSON string quotes included) against a 60-byte batch.
    await sendInBatches(sender, 'ingress', [sized(1, 26), sized(2, 26), sized(3, 26), sized(4, 48)]);
    expect(sender.sent.map((batch) => batch.map((m) => m.messageId))).toEqual([['p1-1', 'p1-2'], ['p1-3'], ['p1-4']]);
  });

  it('sends nothing for an empty list', async () => {
    const sender = new FakeSender('ingress', { maxSizeInBytes: 100, maxMessages: 10 });
    await sendInBatches(sender, 'ingress', []);
    expect(sender.sent).toEqual([]);
  });

  it('rejects a message that does not fit an empty batch, before anything is sent', async () => {
    const sender = new FakeSender('ingress', { maxSizeInBytes: 100, maxMessages: 1_000 });
    const huge = message('p1', 2, { body: 'x'.repeat(200) });
    await expect(sendInBatches(sender, 'ingress', [huge])).rejects.toThrow(
      'send to "ingress": message "p1-2" exceeds the maximum batch size of 100 bytes',
    );
    expect(sender.sent).toEqual([]);

    // Also when smaller messages come first: none of them goes out either.
    await expect(sendInBatches(sender, 'ingress', [message('p1', 1), huge, message('p1', 3)])).rejects.toThrow(
      'message "p1-2" exceeds the maximum batch size',
    );
    expect(sender.sent).toEqual([]);
  });
});

describe('createServiceBusBus: send and ping', () => {
  it('maps messageId, sessionId, applicationProperties, contentType, body and schedule onto the SDK message', async () => {
    const { bus, client } = setup();
    const at = new Date(Date.UTC(2024, 0, 1, 0, 5));
    await bus.send('ingress', [
      message('p1', 1, { applicationProperties: { type: 'progression', version: 2, replay: false } }),
      { messageId: 'no-session', body: ['a', 1], applicationProperties: {}, scheduledEnqueueTimeUtc: at },
    ]);
    const sent = client.sender('ingress').sentMessages();
    expect(sent).toEqual([
      {
        messageId: 'p1-1',
        sessionId: 'p1',
        body: { playerId: 'p1', n: 1 },
        contentType: 'application/json',
        applicationProperties: { type: 'progression', version: 2, replay: false },
      },
      { messageId: 'no-session', body: ['a', 1], contentType: 'application/json', applicationProperties: {}, scheduledEnqueueTimeUtc: at },
    ]);
    expect(sent[1]).not.toHaveProperty('sessionId');
  });

  it('reuses one sender per entity', async () => {
    const { bus, client } = setup();
    await bus.send('ingress', [message('p1', 1)]);
    await bus.send('verified', [message('p1', 1)]);
    await bus.send('ingress', [message('p1', 2)]);
    expect(client.createdSenders).toEqual(['ingress', 'verified']);
    expect(client.sender('ingress').sentMessages().map((m) => m.messageId)).toEqual(['p1-1', 'p1-2']);
  });

  it('ping creates a batch on the probe queue and fails when that fails', async () => {
    const { bus, client } = setup();
    await bus.ping();
    expect(client.createdSenders).toEqual(['probe']);
    expect(client.sender('probe').batchesCreated).toBe(1);
    expect(client.sender('probe').sent).toEqual([]);

    client.sender('probe').createBatchError = new Error('getaddrinfo ENOTFOUND');
    await expect(bus.ping()).rejects.toThrow('ENOTFOUND');
  });

  it('close() closes the senders and the client', async () => {
    const { bus, client } = setup();
    await bus.send('ingress', [message('p1', 1)]);
    await bus.close();
    expect(client.sender('ingress').closed).toBe(true);
    expect(client.closed).toBe(true);
  });
});

describe('handleBatch', () => {
  it('hands the handler mapped messages and completes them all on success', async () => {
    const log = new SettlementLog();
    const deliveries = [
      log.delivery(inbound('p1', 1)),
      log.delivery(inbound('p1', 2, { deliveryCount: 2, body: Buffer.from('{"raw":true}') })),
    ];
    const seen: ReceivedMessage[] = [];
    await handleBatch(deliveries, (batch) => { seen.push(...batch); return Promise.resolve(); }, silentLogger);

    expect(seen).toEqual([
      {
        messageId: 'p1-1',
        sessionId: 'p1',
        body: { playerId: 'p1', n: 1 },
        applicationProperties: { type: 'test' },
        deliveryCount: 1,
        enqueuedTimeUtc: new Date(Date.UTC(2024, 0, 1)),
      },
      expect.objectContaining({ messageId: 'p1-2', body: { raw: true }, deliveryCount: 3 }) as unknown,
    ]);
    expect(log.records).toEqual([
      { messageId: 'p1-1', kind: 'complete' },
      { messageId: 'p1-2', kind: 'complete' },
    ]);
  });

  it('abandons every message when the handler throws a plain error, and logs it', async () => {
    const log = new SettlementLog();
    const { logger, lines } = recordingLogger();
    await handleBatch([log.delivery(inbound('p1', 1)), log.delivery(inbound('p1', 2))], () => Promise.reject(new Error('db down')), logger);
    expect(log.kindsById()).toEqual({ 'p1-1': 'abandon', 'p1-2': 'abandon' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', message: 'batch handler failed', fields: expect.objectContaining({ messages: 2, poison: 0 }) as unknown }),
    ]);
  });

  it('dead-letters only the poison messages, with reason and description, and abandons the rest', async () => {
    const log = new SettlementLog();
    const deliveries = [1, 2, 3].map((n) => log.delivery(inbound('p1', n)));
    const poison = new PoisonMessageError({ messageIds: ['p1-2', 'elsewhere'], reason: 'UnknownEventType', description: 'type "x" is not known' });
    await handleBatch(deliveries, () => Promise.reject(poison), silentLogger);
    expect(log.records).toEqual([
      { messageId: 'p1-1', kind: 'abandon' },
      { messageId: 'p1-2', kind: 'deadLetter', reason: 'UnknownEventType', description: 'type "x" is not known' },
      { messageId: 'p1-3', kind: 'abandon' },
    ]);
  });

  it('recognises a PoisonMessageError from another copy of the module by its shape', async () => {
    const log = new SettlementLog();
    const foreign = Object.assign(new Error('bad schema'), { name: 'PoisonMessageError', messageIds: ['p1-1'], reason: 'SchemaRejected' });
    await handleBatch([log.delivery(inbound('p1', 1))], () => Promise.reject(foreign), silentLogger);
    expect(log.records).toEqual([{ messageId: 'p1-1', kind: 'deadLetter', reason: 'SchemaRejected', description: 'bad schema' }]);
  });

  it('logs a failed settlement instead of throwing, and still settles the others', async () => {
    const log = new SettlementLog();
    const { logger, lines } = recordingLogger();
    const lockLost = new Error('MessageLockLost');
    const deliveries = [
      log.delivery(inbound('p1', 1)),
      log.delivery(inbound('p1', 2), { settlementError: lockLost }),
      log.delivery(inbound('p1', 3)),
    ];
    await expect(handleBatch(deliveries, () => Promise.resolve(), logger)).resolves.toBeUndefined();
    expect(log.kindsById()).toEqual({ 'p1-1': 'complete', 'p1-3': 'complete' });
    expect(lines).toEqual([
      { level: 'warn', message: 'settling a message failed; it will be redelivered', fields: { err: lockLost } },
    ]);
  });
});

describe('createServiceBusBus: subscribe and close', () => {
  it('delivers the messages of accepted sessions in order, in batches, counting deliveries from 1', async () => {
    const { bus, client } = setup({ maxConcurrentSessions: 2 });
    const log = new SettlementLog();
    const p1 = client.addSession('p1', [
      log.delivery(inbound('p1', 1)),
      log.delivery(inbound('p1', 2, { deliveryCount: 1 })),
      log.delivery(inbound('p1', 3)),
    ]);
    const p2 = client.addSession('p2', [log.delivery(inbound('p2', 1))]);
    const batches: ReceivedMessage[][] = [];
    bus.subscribe({
      source: INGRESS,
      maxBatchSize: 2,
      handler: (batch) => {
        batches.push([...batch]);
        return Promise.resolve();
      },
    });
    await until(() => log.records.length === 4 && client.waitingAccepts === 2, 'both sessions to be drained');

    const ofSession = (s: string): string[][] =>
      batches.filter((b) => b[0]?.sessionId === s).map((b) => b.map((m) => `${m.messageId}#${m.deliveryCount}`));
    expect(ofSession('p1')).toEqual([['p1-1#1', 'p1-2#2'], ['p1-3#1']]);
    expect(ofSession('p2')).toEqual([['p2-1#1']]);
    expect(log.kindsById()).toEqual({ 'p1-1': 'complete', 'p1-2': 'complete', 'p1-3': 'complete', 'p2-1': 'complete' });
    // A drained session is released so the worker can lock the next one.
    expect(p1.closed).toBe(true);
    expect(p2.closed).toBe(true);
    expect(p1.receiveCalls.map((c) => [c.max, c.options.maxWaitTimeInMs])).toEqual([[2, 5], [2, 5], [2, 5]]);
    expect(client.acceptCalls.every((c) => c.source === INGRESS && c.options.maxAutoLockRenewalDurationInMs === 300_000)).toBe(true);

    expect(await settlesNow(bus.close())).toBe(true);
    expect(client.acceptCalls.every((c) => c.options.abortSignal.aborted)).toBe(true);
  });

  it('close() stops every worker while acceptNextSession is still waiting for a session', async () => {
    const { bus, client } = setup({ maxConcurrentSessions: 3 });
    let calls = 0;
    const subscription = bus.subscribe({ source: INGRESS, maxBatchSize: 10, handler: () => { calls += 1; return Promise.resolve(); } });
    await until(() => client.waitingAccepts === 3, 'the workers to wait for sessions');

    expect(await settlesNow(subscription.close())).toBe(true);
    expect(client.waitingAccepts).toBe(0);
    expect(client.acceptCalls).toHaveLength(3);
    // A session that turns up after close is not taken.
    client.addSession('late', [new SettlementLog().delivery(inbound('late', 1))]);
    await flush();
    expect(calls).toBe(0);
    expect(client.acceptCalls).toHaveLength(3);
  });

  it('close() lets an in-flight batch finish and complete, then stops', async () => {
    const { bus, client } = setup({ maxConcurrentSessions: 1 });
    const log = new SettlementLog();
    const session = client.addSession('p1', [log.delivery(inbound('p1', 1)), log.delivery(inbound('p1', 2))]);
    const release = newGate();
    const seen: string[] = [];
    bus.subscribe({
      source: INGRESS,
      maxBatchSize: 1,
      handler: async (batch) => {
        seen.push(...batch.map((m) => m.messageId));
        await release.promise;
      },
    });
    await until(() => seen.length === 1, 'the first batch');

    const closing = bus.close();
    expect(await settlesNow(closing)).toBe(false);
    release.open();
    await closing;
    expect(log.records).toEqual([{ messageId: 'p1-1', kind: 'complete' }]);
    expect(seen).toEqual(['p1-1']); // p1-2 is left for the broker to hand out again
    expect(session.closed).toBe(true);
    expect(client.closed).toBe(true);
  });

  it('abandons a failing batch of a session and carries on with the session', async () => {
    const { bus, client } = setup({ maxConcurrentSessions: 1 });
    const log = new SettlementLog();
    client.addSession('p1', [log.delivery(inbound('p1', 1)), log.delivery(inbound('p1', 2))]);
    bus.subscribe({
      source: INGRESS,
      maxBatchSize: 1,
      handler: (batch) => (batch[0]?.messageId === 'p1-1' ? Promise.reject(new Error('boom')) : Promise.resolve()),
    });
    await until(() => log.records.length === 2, 'both messages to be settled');
    expect(log.records).toEqual([
      { messageId: 'p1-1', kind: 'abandon' },
      { messageId: 'p1-2', kind: 'complete' },
    ]);
  });
});

describe('runSessionLoop', () => {
  it('treats ServiceTimeout as idle, logs other accept errors and keeps going', async () => {
    const client = new FakeClient();
    const { logger, lines } = recordingLogger();
    const idle = Object.assign(new Error('no session available'), { code: 'ServiceTimeout' });
    const broken = Object.assign(new Error('connection reset'), { code: 'ServiceCommunicationProblem' });
    client.acceptErrors.push(idle, broken);
    const log = new SettlementLog();
    client.addSession('p1', [log.delivery(inbound('p1', 1))]);
    const loop = runSessionLoop({
      client,
      source: { topic: 'verified', subscription: 'progression' },
      maxBatchSize: 10,
      handler: () => Promise.resolve(),
      logger,
      sessionIdleMs: 5,
      errorBackoffMs: 0,
    });
    try {
      await until(() => log.records.length === 1 && client.waitingAccepts === 1, 'the session after the errors');
    } finally {
      await settleWithin(loop.close(), 'the loop to close');
    }
    expect(log.records).toEqual([{ messageId: 'p1-1', kind: 'complete' }]);
    expect(lines).toEqual([
      { level: 'warn', message: 'accepting a session failed; retrying', fields: { source: 'verified/progression', err: broken } },
    ]);
  });
});
