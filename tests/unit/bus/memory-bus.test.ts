import { afterEach, describe, expect, it } from 'vitest';
import { defaultTopology, MemoryBus, type MemoryBusOptions } from '../../../src/adapters/memory/memory-bus.js';
import type { BusSource, OutgoingMessage, ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { flush, gate, type Gate, settlesNow, settleWithin, until } from './async-helpers.js';

const topology = defaultTopology({
  ingressQueue: 'ingress',
  verifiedTopic: 'verified',
  progressionSubscription: 'progression',
  leaderboardSubscription: 'leaderboard',
  parkedQueue: 'parked',
  maxDeliveryCount: 3,
});
const INGRESS: BusSource = { queue: 'ingress' };
const PROGRESSION: BusSource = { topic: 'verified', subscription: 'progression' };
const LEADERBOARD: BusSource = { topic: 'verified', subscription: 'leaderboard' };

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

/**
 * The bus's `now`, `setTimer` and `clearTimer`: time only moves in `advance`, which fires due
 * timers in time order, so schedules, duplicate windows and lock expiry are tested without sleeping.
 */
class FakeClock {
  private current = T0;
  private nextId = 1;
  private readonly timers = new Map<number, { readonly at: number; readonly callback: () => void }>();

  readonly now = (): number => this.current;

  readonly setTimer = (callback: () => void, delayMs: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + delayMs, callback });
    return id;
  };

  readonly clearTimer = (handle: unknown): void => {
    if (typeof handle === 'number') this.timers.delete(handle);
  };

  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      let due: [number, { readonly at: number; readonly callback: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= target && (due === undefined || entry[1].at < due[1].at)) due = entry;
      }
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.current = Math.max(this.current, due[1].at);
      due[1].callback();
      await flush();
    }
    this.current = target;
    await flush();
  }
}

const buses: MemoryBus[] = [];
const gates: Gate[] = [];

function setup(options: Partial<MemoryBusOptions> = {}): { bus: MemoryBus; clock: FakeClock } {
  const clock = new FakeClock();
  const bus = new MemoryBus({
    topology,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    ...options,
  });
  buses.push(bus);
  return { bus, clock };
}

function newGate(): Gate {
  const g = gate();
  gates.push(g);
  return g;
}

afterEach(async () => {
  // A failed test may have left a handler parked on a gate; open them all so close() can finish.
  for (const g of gates.splice(0)) g.open();
  await settleWithin(Promise.all(buses.splice(0).map((bus) => bus.close())), 'the buses to close');
});

function message(sessionId: string, n: number, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: `${sessionId}-${n}`,
    sessionId,
    body: { playerId: sessionId, n },
    applicationProperties: { type: 'test', n },
    ...extra,
  };
}

const ids = (batches: readonly (readonly ReceivedMessage[])[]): string[][] => batches.map((b) => b.map((m) => m.messageId));
const deliveries = (batches: readonly (readonly ReceivedMessage[])[]): string[] =>
  batches.flat().map((m) => `${m.messageId}#${m.deliveryCount}`);

/** Subscribes a handler that records every batch before running `behaviour` on it. */
function record(
  bus: MemoryBus,
  source: BusSource,
  maxBatchSize: number,
  behaviour: (batch: readonly ReceivedMessage[], call: number) => Promise<void> = () => Promise.resolve(),
): ReceivedMessage[][] {
  const batches: ReceivedMessage[][] = [];
  bus.subscribe({
    source,
    maxBatchSize,
    handler: (batch) => {
      batches.push([...batch]);
      return behaviour(batch, batches.length);
    },
  });
  return batches;
}

describe('MemoryBus: sessions and batching', () => {
  it('hands one session its messages in send order, one batch at a time, while other sessions run', async () => {
    const { bus } = setup();
    const p1Blocked = newGate();
    const batches: ReceivedMessage[][] = [];
    const inFlight = new Set<string>();
    const overlapping: string[] = [];
    const mixed: string[][] = [];
    bus.subscribe({
      source: INGRESS,
      maxBatchSize: 2,
      handler: async (batch) => {
        const sessions = [...new Set(batch.map((m) => m.sessionId ?? '(none)'))];
        if (sessions.length !== 1) mixed.push(sessions);
        const session = sessions[0] ?? '(none)';
        if (inFlight.has(session)) overlapping.push(session);
        inFlight.add(session);
        batches.push([...batch]);
        try {
          const firstOfP1 = session === 'p1' && batches.filter((b) => b[0]?.sessionId === 'p1').length === 1;
          // Hold p1's first batch: p2 must still be served, p1's next batch must not start.
          await (firstOfP1 ? p1Blocked.promise : flush());
        } finally {
          inFlight.delete(session);
        }
      },
    });
    await bus.send('ingress', [
      message('p1', 1), message('p2', 1), message('p1', 2), message('p2', 2),
      message('p1', 3), message('p2', 3), message('p1', 4), message('p1', 5),
    ]);

    const ofSession = (session: string): ReceivedMessage[][] => batches.filter((b) => b[0]?.sessionId === session);
    await until(() => ofSession('p2').flat().length === 3, 'p2 to be handled while p1 is blocked');
    expect(ids(ofSession('p1'))).toEqual([['p1-1', 'p1-2']]);

    p1Blocked.open();
    await bus.idle();
    expect(ids(ofSession('p1'))).toEqual([['p1-1', 'p1-2'], ['p1-3', 'p1-4'], ['p1-5']]);
    expect(ids(ofSession('p2'))).toEqual([['p2-1', 'p2-2'], ['p2-3']]);
    expect(overlapping).toEqual([]);
    expect(mixed).toEqual([]);
    expect(batches.flat().every((m) => m.deliveryCount === 1)).toBe(true);
    expect(bus.activeMessageCount(INGRESS)).toBe(0);
  });

  it('batches up to maxBatchSize messages of one session', async () => {
    const { bus } = setup();
    await bus.send('ingress', [1, 2, 3, 4, 5, 6, 7].map((n) => message('p1', n)));
    const batches = record(bus, INGRESS, 3);
    await bus.idle();
    expect(ids(batches)).toEqual([
      ['p1-1', 'p1-2', 'p1-3'],
      ['p1-4', 'p1-5', 'p1-6'],
      ['p1-7'],
    ]);
  });

  it('delivers body, properties, session and enqueue time as sent, as fresh copies', async () => {
    const { bus } = setup();
    const sent = message('p1', 1, { body: { nested: { list: [1, 'two', null] } } });
    await bus.send('ingress', [sent]);
    const batches = record(bus, INGRESS, 10);
    await bus.idle();
    const [received] = batches.flat();
    expect(received).toEqual({
      messageId: 'p1-1',
      sessionId: 'p1',
      body: { nested: { list: [1, 'two', null] } },
      applicationProperties: { type: 'test', n: 1 },
      deliveryCount: 1,
      enqueuedTimeUtc: new Date(T0),
    });
    expect(received?.body).not.toBe(sent.body);
  });
});

describe('MemoryBus: redelivery and dead letters', () => {
  it('redelivers a failing message with deliveryCount incremented, then dead-letters it after maxDeliveryCount', async () => {
    const { bus, clock } = setup();
    const batches = record(bus, INGRESS, 1, (batch) =>
      batch.some((m) => m.messageId === 'p1-1') ? Promise.reject(new Error('projection write failed')) : Promise.resolve(),
    );
    await bus.send('ingress', [message('p1', 1), message('p1', 2)]);
    await bus.idle();

    // Redelivered ahead of p1-2: the session's order holds through retries.
    expect(deliveries(batches)).toEqual(['p1-1#1', 'p1-1#2', 'p1-1#3', 'p1-2#1']);
    expect(bus.deadLetters(INGRESS)).toEqual([
      {
        message: expect.objectContaining({ messageId: 'p1-1', sessionId: 'p1', deliveryCount: 3, body: { playerId: 'p1', n: 1 } }) as unknown,
        reason: 'MaxDeliveryCountExceeded',
        description: 'projection write failed',
        deadLetteredAt: new Date(clock.now()),
      },
    ]);
    expect(bus.activeMessageCount(INGRESS)).toBe(0);
  });

  it('does not dead-letter a message that succeeds on a redelivery', async () => {
    const { bus } = setup();
    const batches = record(bus, INGRESS, 10, (_batch, call) =>
      call === 1 ? Promise.reject(new Error('transient')) : Promise.resolve(),
    );
    await bus.send('ingress', [message('p1', 1), message('p1', 2)]);
    await bus.idle();
    expect(deliveries(batches)).toEqual(['p1-1#1', 'p1-2#1', 'p1-1#2', 'p1-2#2']);
    expect(bus.deadLetters(INGRESS)).toEqual([]);
  });

  it('PoisonMessageError dead-letters only the named messages at once, with its reason, and redelivers the rest', async () => {
    const { bus } = setup();
    const batches = record(bus, INGRESS, 3, (_batch, call) =>
      call === 1
        ? Promise.reject(
            new PoisonMessageError({ messageIds: ['p1-2', 'not-in-batch'], reason: 'MalformedEnvelope', description: 'envelope has no eventId' }),
          )
        : Promise.resolve(),
    );
    await bus.send('ingress', [message('p1', 1), message('p1', 2), message('p1', 3)]);
    await bus.idle();

    expect(ids(batches)).toEqual([['p1-1', 'p1-2', 'p1-3'], ['p1-1', 'p1-3']]);
    expect(batches[1]?.map((m) => m.deliveryCount)).toEqual([2, 2]);
    const deadLetters = bus.deadLetters(INGRESS);
    expect(deadLetters.map((d) => ({ id: d.message.messageId, count: d.message.deliveryCount, reason: d.reason, description: d.description }))).toEqual([
      { id: 'p1-2', count: 1, reason: 'MalformedEnvelope', description: 'envelope has no eventId' },
    ]);
  });
});

describe('MemoryBus: send', () => {
  it('drops a second send of the same messageId to the ingress queue within the duplicate window', async () => {
    const { bus, clock } = setup();
    await bus.send('ingress', [message('p1', 1)]);
    await bus.send('ingress', [message('p1', 1, { body: { duplicate: true } })]);
    expect(bus.activeMessageCount(INGRESS)).toBe(1);

    const batches = record(bus, INGRESS, 10);
    await bus.idle();
    expect(batches.flat().map((m) => m.body)).toEqual([{ playerId: 'p1', n: 1 }]);

    // Still a duplicate after the message was consumed, as long as the window (10 min) lasts.
    await clock.advance(5 * 60 * 1000);
    await bus.send('ingress', [message('p1', 1, { body: { duplicate: true } })]);
    await bus.idle();
    expect(batches.flat()).toHaveLength(1);
  });

  it('measures the duplicate window from the first accepted send; dropped duplicates do not extend it', async () => {
    const { bus, clock } = setup();
    await bus.send('ingress', [message('p1', 1)]);
    await clock.advance(9 * 60 * 1000);
    await bus.send('ingress', [message('p1', 1)]); // dropped
    await clock.advance(60 * 1000); // 10 min after the first send
    await bus.send('ingress', [message('p1', 1, { body: { again: true } })]);
    expect(bus.activeMessageCount(INGRESS)).toBe(2);
  });

  it('drops a repeated messageId within one send as well', async () => {
    const { bus } = setup();
    await bus.send('ingress', [message('p1', 1), message('p1', 1), message('p1', 2)]);
    expect(bus.activeMessageCount(INGRESS)).toBe(2);
  });

  it('fans a topic message out to both subscriptions, each with its own copy and settlement', async () => {
    const { bus } = setup();
    const progression = record(bus, PROGRESSION, 10, (batch) => {
      for (const m of batch) (m.body as { n: number }).n = 99; // must not leak into the other copy
      return Promise.reject(new Error('progression store down'));
    });
    const leaderboard = record(bus, LEADERBOARD, 10);
    await bus.send('verified', [message('p1', 1)]);
    await bus.idle();

    expect(deliveries(progression)).toEqual(['p1-1#1', 'p1-1#2', 'p1-1#3']);
    expect(deliveries(leaderboard)).toEqual(['p1-1#1']);
    expect(leaderboard.flat().map((m) => m.body)).toEqual([{ playerId: 'p1', n: 1 }]);
    expect(bus.deadLetters(PROGRESSION).map((d) => d.message.messageId)).toEqual(['p1-1']);
    expect(bus.deadLetters(LEADERBOARD)).toEqual([]);
  });

  it('keeps topic messages for a subscription that has no subscriber yet', async () => {
    const { bus } = setup();
    const progression = record(bus, PROGRESSION, 10);
    await bus.send('verified', [message('p1', 1)]);
    await bus.idle();
    expect(progression.flat()).toHaveLength(1);
    expect(bus.activeMessageCount(LEADERBOARD)).toBe(1);
    const leaderboard = record(bus, LEADERBOARD, 10);
    await bus.idle();
    expect(ids(leaderboard)).toEqual([['p1-1']]);
  });

  it('rejects a send to an entity that is not in the topology', async () => {
    const { bus } = setup();
    await expect(bus.send('ingres', [message('p1', 1)])).rejects.toThrow('unknown entity "ingres"');
    // A subscription is not an entity one can send to.
    await expect(bus.send('progression', [message('p1', 1)])).rejects.toThrow('unknown entity "progression"');
    expect(() => bus.subscribe({ source: { queue: 'verified' }, maxBatchSize: 1, handler: () => Promise.resolve() })).toThrow(
      'unknown queue "verified"',
    );
    expect(() =>
      bus.subscribe({ source: { topic: 'verified', subscription: 'nope' }, maxBatchSize: 1, handler: () => Promise.resolve() }),
    ).toThrow('unknown subscription "verified/nope"');
  });

  it('rejects a message without sessionId on a session entity, and the whole send enqueues nothing', async () => {
    const { bus } = setup();
    const noSession: OutgoingMessage = { messageId: 'loose-1', body: {}, applicationProperties: {} };
    await expect(bus.send('ingress', [message('p1', 1), noSession])).rejects.toThrow(
      'send to "ingress", message "loose-1": the entity requires sessions, so the message needs a sessionId',
    );
    expect(bus.activeMessageCount(INGRESS)).toBe(0);

    // The topic's subscriptions need sessions too.
    await expect(bus.send('verified', [message('p1', 1), noSession])).rejects.toThrow('needs a sessionId');
    expect(bus.activeMessageCount(PROGRESSION)).toBe(0);
    expect(bus.activeMessageCount(LEADERBOARD)).toBe(0);

    // The rejected send did not record p1-1 for duplicate detection either.
    await bus.send('ingress', [message('p1', 1)]);
    expect(bus.activeMessageCount(INGRESS)).toBe(1);
  });
});

describe('MemoryBus: scheduled messages and locks', () => {
  it('delivers a message no earlier than its scheduledEnqueueTimeUtc, at the end of its session', async () => {
    const { bus, clock } = setup();
    const batches = record(bus, INGRESS, 10);
    const at = new Date(T0 + 60_000);
    await bus.send('ingress', [message('p1', 1, { scheduledEnqueueTimeUtc: at }), message('p1', 2)]);
    await bus.idle(); // scheduled messages that are not due do not keep the bus busy

    expect(ids(batches)).toEqual([['p1-2']]);
    expect(bus.scheduledMessageCount(INGRESS)).toBe(1);
    expect(bus.activeMessageCount(INGRESS)).toBe(0);

    await clock.advance(59_999);
    expect(ids(batches)).toEqual([['p1-2']]);

    await clock.advance(1);
    await bus.idle();
    expect(ids(batches)).toEqual([['p1-2'], ['p1-1']]);
    expect(batches[1]?.[0]).toMatchObject({ deliveryCount: 1, enqueuedTimeUtc: at, scheduledEnqueueTimeUtc: at });
    expect(bus.scheduledMessageCount(INGRESS)).toBe(0);
  });

  it('redelivers a batch whose handler overruns the lock, and ignores that handler\'s late settlement', async () => {
    const { bus, clock } = setup({ lockDurationMs: 1_000 });
    const stuck = newGate();
    const batches = record(bus, INGRESS, 10, (_batch, call) => (call === 1 ? stuck.promise : Promise.resolve()));
    await bus.send('ingress', [message('p1', 1)]);
    await until(() => batches.length === 1, 'the first delivery');

    await clock.advance(999);
    expect(batches).toHaveLength(1);
    await clock.advance(1);
    await until(() => batches.length === 2, 'the redelivery after the lock was lost');
    expect(deliveries(batches)).toEqual(['p1-1#1', 'p1-1#2']);

    stuck.open();
    await bus.idle();
    expect(batches).toHaveLength(2);
    expect(bus.activeMessageCount(INGRESS)).toBe(0);
    expect(bus.deadLetters(INGRESS)).toEqual([]);
  });
});

describe('MemoryBus: idle and close', () => {
  it('idle() resolves only once every message, redeliveries included, has been handled', async () => {
    const { bus } = setup();
    const completed: string[] = [];
    record(bus, INGRESS, 2, async (batch, call) => {
      await flush();
      await flush();
      if (call === 2) throw new Error('fail once');
      completed.push(...batch.map((m) => m.messageId));
    });
    await bus.send('ingress', [message('p1', 1), message('p2', 1), message('p3', 1), message('p1', 2), message('p1', 3)]);
    await bus.idle();
    expect([...completed].sort()).toEqual(['p1-1', 'p1-2', 'p1-3', 'p2-1', 'p3-1']);
    expect(bus.activeMessageCount(INGRESS)).toBe(0);
  });

  it('idle() does not wait for messages of a source nobody subscribes to', async () => {
    const { bus } = setup();
    await bus.send('ingress', [message('p1', 1)]);
    expect(await settlesNow(bus.idle())).toBe(true);
    expect(bus.activeMessageCount(INGRESS)).toBe(1);
  });

  it('close() waits for a running handler, lets it complete, and delivers nothing more', async () => {
    const { bus } = setup();
    const release = newGate();
    let finished = false;
    const batches = record(bus, INGRESS, 1, async () => {
      await release.promise;
      finished = true;
    });
    await bus.send('ingress', [message('p1', 1), message('p1', 2)]);
    await until(() => batches.length === 1, 'the first delivery');

    const closing = bus.close();
    expect(await settlesNow(closing)).toBe(false);
    release.open();
    await closing;
    expect(finished).toBe(true);
    expect(ids(batches)).toEqual([['p1-1']]);
    // p1-1 was completed, not abandoned; p1-2 stays queued.
    expect(bus.activeMessageCount(INGRESS)).toBe(1);
    expect(bus.deadLetters(INGRESS)).toEqual([]);
    await expect(bus.send('ingress', [message('p1', 3)])).rejects.toThrow('the memory bus is closed');
    expect(() => record(bus, LEADERBOARD, 1)).toThrow('the memory bus is closed');
    await expect(bus.ping()).rejects.toThrow('closed');
  });

  it('a closed subscription waits for its handler and frees the source for a new subscriber', async () => {
    const { bus } = setup();
    const release = newGate();
    const first: string[] = [];
    const subscription = bus.subscribe({
      source: INGRESS,
      maxBatchSize: 1,
      handler: async (batch) => {
        first.push(...batch.map((m) => m.messageId));
        await release.promise;
      },
    });
    await bus.send('ingress', [message('p1', 1), message('p1', 2)]);
    await until(() => first.length === 1, 'the first delivery');
    expect(() => record(bus, INGRESS, 1)).toThrow('already has a subscriber');

    const closing = subscription.close();
    expect(await settlesNow(closing)).toBe(false);
    release.open();
    await closing;

    const second = record(bus, INGRESS, 1);
    await bus.idle();
    expect(first).toEqual(['p1-1']);
    expect(deliveries(second)).toEqual(['p1-2#1']);
  });
});
