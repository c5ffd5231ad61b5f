import {
  type ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
} from '@azure/service-bus';
import { type BusSource } from '../../core/messaging/bus.js';

/**
 * The few SDK operations the adapter uses, behind small interfaces: there is no Service Bus
 * emulator in CI, so batching, mapping and the receive loops are tested against fakes of these.
 * Settlement is a closure on each delivery (not `receiver.completeMessage(message)`), so fakes
 * never have to produce real SDK message objects.
 */

export interface MessageBatchPort {
  readonly count: number;
  readonly maxSizeInBytes: number;
  tryAdd(message: ServiceBusMessage): boolean;
  send(): Promise<void>;
}

export interface SenderPort {
  createBatch(): Promise<MessageBatchPort>;
  close(): Promise<void>;
}

/** What the adapter reads from a received message (a subset of `ServiceBusReceivedMessage`). */
export interface InboundMessage {
  readonly messageId?: unknown;
  readonly sessionId?: string;
  readonly body: unknown;
  readonly applicationProperties?: Readonly<Record<string, unknown>>;
  /** Raw AMQP delivery count as the JS SDK reports it: 0 on the first delivery. */
  readonly deliveryCount?: number;
  readonly enqueuedTimeUtc?: Date;
  readonly scheduledEnqueueTimeUtc?: Date;
}

export interface Delivery {
  readonly message: InboundMessage;
  complete(): Promise<void>;
  abandon(): Promise<void>;
  deadLetter(reason: string, description: string): Promise<void>;
}

export interface ReceiveOptions {
  readonly maxWaitTimeInMs: number;
  readonly abortSignal: AbortSignal;
}

export interface ReceiverPort {
  receive(maxMessageCount: number, options: ReceiveOptions): Promise<Delivery[]>;
  close(): Promise<void>;
}

export interface AcceptSessionOptions {
  readonly abortSignal: AbortSignal;
  readonly maxAutoLockRenewalDurationInMs: number;
}

export interface ClientPort {
  createSender(entity: string): SenderPort;
  /** A peek-lock receiver for a non-session queue or subscription. */
  createReceiver(source: BusSource, options: { readonly maxAutoLockRenewalDurationInMs: number }): ReceiverPort;
  /** Locks the next available session; rejects (ServiceTimeout) when none becomes available. */
  acceptNextSession(source: BusSource, options: AcceptSessionOptions): Promise<ReceiverPort>;
  close(): Promise<void>;
}

/** Adapts a real `ServiceBusClient` to the port. Thin on purpose: no logic lives here. */
export function clientPort(client: ServiceBusClient): ClientPort {
  return {
    createSender: (entity) => senderPort(client.createSender(entity)),
    createReceiver: (source, options) =>
      receiverPort(
        'queue' in source
          ? client.createReceiver(source.queue, { receiveMode: 'peekLock', ...options })
          : client.createReceiver(source.topic, source.subscription, { receiveMode: 'peekLock', ...options }),
      ),
    acceptNextSession: async (source, options) =>
      receiverPort(
        'queue' in source
          ? await client.acceptNextSession(source.queue, { receiveMode: 'peekLock', ...options })
          : await client.acceptNextSession(source.topic, source.subscription, { receiveMode: 'peekLock', ...options }),
      ),
    close: () => client.close(),
  };
}

function senderPort(sender: ServiceBusSender): SenderPort {
  return {
    createBatch: async () => {
      const batch = await sender.createMessageBatch();
      return {
        get count() {
          return batch.count;
        },
        maxSizeInBytes: batch.maxSizeInBytes,
        tryAdd: (message) => batch.tryAddMessage(message),
        send: () => sender.sendMessages(batch),
      };
    },
    close: () => sender.close(),
  };
}

function receiverPort(receiver: ServiceBusReceiver): ReceiverPort {
  const delivery = (message: ServiceBusReceivedMessage): Delivery => ({
    message,
    complete: () => receiver.completeMessage(message),
    abandon: () => receiver.abandonMessage(message),
    deadLetter: (deadLetterReason, deadLetterErrorDescription) =>
      receiver.deadLetterMessage(message, { deadLetterReason, deadLetterErrorDescription }),
  });
  return {
    receive: async (maxMessageCount, options) =>
      (await receiver.receiveMessages(maxMessageCount, options)).map(delivery),
    close: () => receiver.close(),
  };
}
