import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { BusSettings } from '../../core/config/types.js';
import type { BusSource, OutgoingMessage } from '../../core/messaging/bus.js';
import { replayMessage, replayTarget, type DeadLetterAccess, type DeadLetterEntry } from '../../core/messaging/dead-letter-replay.js';
import { readParked } from '../../core/messaging/parked.js';
import { consumedSources } from '../memory/memory-dead-letters.js';
import { decodeJsonBody, idToString, toApplicationProperties, toServiceBusMessage } from './mapping.js';

/** One message of a store, as the tooling needs it. */
export interface StoredDeadLetter {
  readonly messageId: string;
  readonly sessionId?: string;
  readonly body: unknown;
  readonly applicationProperties: Readonly<Record<string, string | number | boolean>>;
  readonly deadLetterReason?: string;
  readonly deadLetterErrorDescription?: string;
  readonly deliveryCount: number;
  readonly enqueuedTimeUtc: Date;
  readonly sequenceNumber: string;
}

export interface LockedDeadLetter {
  readonly message: StoredDeadLetter;
  readonly complete: () => Promise<void>;
  readonly abandon: () => Promise<void>;
}

/** A dead-letter sub-queue or the parked queue (src/adapters/servicebus: the real one; tests: fakes). */
export interface DeadLetterStorePort {
  /** Every message, without locking any. */
  peekAll(): Promise<readonly StoredDeadLetter[]>;
  /** Up to `max` messages locked (peek-lock); empty when none is left. */
  receive(max: number): Promise<readonly LockedDeadLetter[]>;
  close(): Promise<void>;
}

export interface DeadLetterClientPort {
  store(source: BusSource, options: { readonly deadLetterQueue: boolean }): DeadLetterStorePort;
  send(entity: string, message: OutgoingMessage): Promise<void>;
}

/**
 * `npm run dlq` against Service Bus: the `$DeadLetterQueue` sub-queue of every consumed entity
 * plus the parked queue. A replay resends each chosen message to its entity (a subscription's
 * topic) with the same messageId and only then completes it in its store, so a crash between the
 * two leaves a duplicate the consumers ignore, never a loss. Messages not chosen are abandoned
 * back (their delivery count in the dead-letter queue means nothing).
 */
export function serviceBusDeadLetterAccess(options: { readonly client: DeadLetterClientPort; readonly settings: BusSettings }): DeadLetterAccess {
  const { client, settings } = options;
  const stores = [
    ...consumedSources(settings).map(({ entity, source }) => ({ name: `${entity}/$DeadLetterQueue`, entity, source, deadLetterQueue: true })),
    { name: settings.parkedQueue, entity: undefined, source: { queue: settings.parkedQueue }, deadLetterQueue: false },
  ];
  const open = (store: (typeof stores)[number]): DeadLetterStorePort => client.store(store.source, { deadLetterQueue: store.deadLetterQueue });

  return {
    list: async () => {
      const entries: DeadLetterEntry[] = [];
      for (const store of stores) {
        const port = open(store);
        try {
          for (const message of await port.peekAll()) entries.push(toEntry(store, message));
        } finally {
          await port.close();
        }
      }
      return entries;
    },
    replay: async (entries) => {
      for (const store of stores) {
        const wanted = new Set(entries.filter((e) => e.store === store.name && e.sequenceNumber !== undefined).map((e) => e.sequenceNumber));
        if (wanted.size === 0) continue;
        const port = open(store);
        try {
          while (wanted.size > 0) {
            const locked = await port.receive(100);
            if (locked.length === 0) break;
            for (const { message, complete, abandon } of locked) {
              if (!wanted.has(message.sequenceNumber)) {
                await abandon();
                continue;
              }
              const entry = toEntry(store, message);
              await client.send(replayTarget(entry.entity), replayMessage(entry));
              await complete();
              wanted.delete(message.sequenceNumber);
            }
          }
        } finally {
          await port.close();
        }
        if (wanted.size > 0) throw new Error(`${store.name}: ${wanted.size} chosen message(s) were no longer there (another replay?); list again`);
      }
    },
  };
}

function toEntry(store: { readonly name: string; readonly entity: string | undefined }, message: StoredDeadLetter): DeadLetterEntry {
  const parked = store.entity === undefined ? readParked(message.applicationProperties) : undefined;
  const sessionId = message.sessionId ?? parked?.sessionId;
  return {
    store: store.name,
    entity: store.entity ?? parked?.source ?? 'unknown',
    messageId: message.messageId,
    ...(sessionId === undefined ? {} : { sessionId }),
    reason: parked?.reason ?? message.deadLetterReason ?? '',
    description: parked?.description ?? message.deadLetterErrorDescription ?? '',
    deliveryCount: message.deliveryCount,
    enqueuedTimeUtc: message.enqueuedTimeUtc,
    body: message.body,
    applicationProperties: message.applicationProperties,
    sequenceNumber: message.sequenceNumber,
  };
}

/** The real client: receivers on the sub-queue (`subQueueType: 'deadLetter'`) or the queue itself. */
export function sdkDeadLetterClient(client: ServiceBusClient): DeadLetterClientPort {
  return {
    store: (source, options) => {
      const receiverOptions = { receiveMode: 'peekLock' as const, ...(options.deadLetterQueue ? { subQueueType: 'deadLetter' as const } : {}) };
      const receiver: ServiceBusReceiver = 'queue' in source ? client.createReceiver(source.queue, receiverOptions) : client.createReceiver(source.topic, source.subscription, receiverOptions);
      return {
        peekAll: async () => {
          const all: StoredDeadLetter[] = [];
          // The receiver remembers where the last peek ended; a page shorter than asked is the end.
          for (;;) {
            const page = await receiver.peekMessages(250);
            all.push(...page.map(fromSdk));
            if (page.length < 250 || all.length >= 100_000) return all;
          }
        },
        receive: async (max) => {
          const messages = await receiver.receiveMessages(max, { maxWaitTimeInMs: 2_000 });
          return messages.map((m) => ({ message: fromSdk(m), complete: () => receiver.completeMessage(m), abandon: () => receiver.abandonMessage(m) }));
        },
        close: () => receiver.close(),
      };
    },
    send: async (entity, message) => {
      const sender = client.createSender(entity);
      try {
        await sender.sendMessages(toServiceBusMessage(message));
      } finally {
        await sender.close();
      }
    },
  };
}

function fromSdk(m: ServiceBusReceivedMessage): StoredDeadLetter {
  return {
    messageId: idToString(m.messageId),
    ...(typeof m.sessionId === 'string' && m.sessionId !== '' ? { sessionId: m.sessionId } : {}),
    body: decodeJsonBody(m.body),
    applicationProperties: toApplicationProperties(m.applicationProperties),
    ...(m.deadLetterReason === undefined ? {} : { deadLetterReason: m.deadLetterReason }),
    ...(m.deadLetterErrorDescription === undefined ? {} : { deadLetterErrorDescription: m.deadLetterErrorDescription }),
    deliveryCount: m.deliveryCount ?? 0,
    enqueuedTimeUtc: m.enqueuedTimeUtc ?? new Date(0),
    sequenceNumber: m.sequenceNumber?.toString() ?? '',
  };
}
