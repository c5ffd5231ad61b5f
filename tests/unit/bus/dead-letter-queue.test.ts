import { describe, expect, it } from 'vitest';
import {
  serviceBusDeadLetterAccess,
  type DeadLetterClientPort,
  type DeadLetterStorePort,
  type LockedDeadLetter,
  type StoredDeadLetter,
} from '../../../src/adapters/servicebus/dead-letter-queue.js';
import { parseSettings } from '../../../src/core/config/settings.js';
import type { BusSource, OutgoingMessage } from '../../../src/core/messaging/bus.js';
import { replayDeadLetters } from '../../../src/core/messaging/dead-letter-replay.js';
import { toParkedMessage } from '../../../src/core/messaging/parked.js';

const bus = parseSettings({}).bus;
const NOW = Date.UTC(2026, 10, 25, 8, 0, 0);
const OLD = new Date(NOW - 60 * 60_000);
const WINDOW = 10 * 60_000;

/** A store of a fake namespace: peek sees everything, receive locks what is not settled yet. */
class FakeStore implements DeadLetterStorePort {
  readonly completed: string[] = [];
  readonly abandoned: string[] = [];
  constructor(readonly messages: StoredDeadLetter[]) {}
  peekAll(): Promise<readonly StoredDeadLetter[]> {
    return Promise.resolve([...this.messages]);
  }
  receive(max: number): Promise<readonly LockedDeadLetter[]> {
    // Like a receiver: abandoned messages come back, so hand out each one only once per call chain.
    const open = this.messages.filter((m) => !this.abandoned.includes(m.sequenceNumber)).slice(0, max);
    return Promise.resolve(
      open.map((message) => ({
        message,
        complete: () => {
          this.completed.push(message.sequenceNumber);
          this.messages.splice(this.messages.indexOf(message), 1);
          return Promise.resolve();
        },
        abandon: () => {
          this.abandoned.push(message.sequenceNumber);
          return Promise.resolve();
        },
      })),
    );
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function fakeClient(stores: Record<string, FakeStore>): DeadLetterClientPort & { sent: { entity: string; message: OutgoingMessage }[] } {
  const sent: { entity: string; message: OutgoingMessage }[] = [];
  const key = (source: BusSource, dlq: boolean): string => `${'queue' in source ? source.queue : `${source.topic}/subscriptions/${source.subscription}`}${dlq ? '/$DeadLetterQueue' : ''}`;
  return {
    sent,
    store: (source, options) => stores[key(source, options.deadLetterQueue)] ?? new FakeStore([]),
    send: (entity, message) => {
      sent.push({ entity, message });
      return Promise.resolve();
    },
  };
}

function stored(overrides: Partial<StoredDeadLetter> & { messageId: string; sequenceNumber: string }): StoredDeadLetter {
  return { body: { eventId: overrides.messageId }, applicationProperties: { type: 'progression' }, deliveryCount: 10, enqueuedTimeUtc: OLD, deadLetterReason: 'MaxDeliveryCountExceeded', ...overrides };
}

const parkedCopy = toParkedMessage(
  { messageId: 'poison-1', sessionId: 'player_9', body: { bad: true }, applicationProperties: { type: 'boss_kill' }, deliveryCount: 1, enqueuedTimeUtc: OLD },
  { source: `${bus.verifiedTopic}/subscriptions/${bus.progressionSubscription}`, reason: 'InvalidEnvelope', description: 'payload: required', parkedAt: OLD },
);

function namespace(): { stores: Record<string, FakeStore>; client: ReturnType<typeof fakeClient> } {
  const stores = {
    [`${bus.ingressQueue}/$DeadLetterQueue`]: new FakeStore([stored({ messageId: 'e-1', sessionId: 'player_1', sequenceNumber: '11' }), stored({ messageId: 'e-2', sessionId: 'player_1', sequenceNumber: '12', deadLetterReason: 'Other' })]),
    [bus.parkedQueue]: new FakeStore([{ messageId: parkedCopy.messageId, body: parkedCopy.body, applicationProperties: parkedCopy.applicationProperties, deliveryCount: 0, enqueuedTimeUtc: OLD, sequenceNumber: '5' }]),
  };
  return { stores, client: fakeClient(stores) };
}

describe('Service Bus dead-letter tooling (fakes of the SDK)', () => {
  it('lists the $DeadLetterQueue sub-queues and the parked queue, naming the entity each came from', async () => {
    const { client } = namespace();
    const entries = await serviceBusDeadLetterAccess({ client, settings: bus }).list();
    expect(entries.map((e) => [e.store, e.entity, e.messageId, e.reason])).toEqual([
      [`${bus.ingressQueue}/$DeadLetterQueue`, bus.ingressQueue, 'e-1', 'MaxDeliveryCountExceeded'],
      [`${bus.ingressQueue}/$DeadLetterQueue`, bus.ingressQueue, 'e-2', 'Other'],
      [bus.parkedQueue, `${bus.verifiedTopic}/subscriptions/${bus.progressionSubscription}`, 'poison-1', 'InvalidEnvelope'],
    ]);
  });

  it('replays with the same messageId and session, to the queue or the subscription\'s topic, then completes', async () => {
    const { client, stores } = namespace();
    const report = await replayDeadLetters({ access: serviceBusDeadLetterAccess({ client, settings: bus }), filter: { reason: 'MaxDeliveryCountExceeded' }, dryRun: false, nowMs: NOW, duplicateWindowMs: WINDOW });
    expect(report.replayed).toEqual([{ messageId: 'e-1', entity: bus.ingressQueue, to: bus.ingressQueue }]);
    expect(client.sent).toEqual([{ entity: bus.ingressQueue, message: { messageId: 'e-1', sessionId: 'player_1', body: { eventId: 'e-1' }, applicationProperties: { type: 'progression' } } }]);
    const dlq = stores[`${bus.ingressQueue}/$DeadLetterQueue`];
    expect(dlq?.completed).toEqual(['11']);
    expect(dlq?.abandoned).toEqual(['12']);

    await replayDeadLetters({ access: serviceBusDeadLetterAccess({ client, settings: bus }), filter: { messageId: 'poison-1' }, dryRun: false, nowMs: NOW, duplicateWindowMs: WINDOW });
    expect(client.sent[1]).toEqual({ entity: bus.verifiedTopic, message: { messageId: 'poison-1', sessionId: 'player_9', body: { bad: true }, applicationProperties: { type: 'boss_kill' } } });
    expect(stores[bus.parkedQueue]?.messages).toEqual([]);
  });

  it('changes nothing on a dry run, and skips what the duplicate-detection window would drop', async () => {
    const { client, stores } = namespace();
    const dry = await replayDeadLetters({ access: serviceBusDeadLetterAccess({ client, settings: bus }), filter: {}, dryRun: true, nowMs: NOW, duplicateWindowMs: WINDOW });
    expect(dry.replayed).toHaveLength(3);
    expect(client.sent).toEqual([]);
    expect(stores[`${bus.ingressQueue}/$DeadLetterQueue`]?.completed).toEqual([]);

    const early = await replayDeadLetters({ access: serviceBusDeadLetterAccess({ client, settings: bus }), filter: { entity: bus.ingressQueue }, dryRun: false, nowMs: OLD.getTime() + 60_000, duplicateWindowMs: WINDOW });
    expect(early.replayed).toEqual([]);
    expect(early.skipped.map((s) => s.messageId)).toEqual(['e-1', 'e-2']);
    expect(client.sent).toEqual([]);
  });
});
