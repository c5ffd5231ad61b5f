/**
 * Hand-written fakes of the Service Bus SDK ports (src/adapters/servicebus/sdk-port.ts). There is
 * no Service Bus emulator: the adapter's batching, mapping, settlement and receive loops are
 * tested against these. Everything here settles on microtasks, so tests never wait on real time.
 */
import type { ServiceBusMessage } from '@azure/service-bus';
import type {
  AcceptSessionOptions,
  ClientPort,
  Delivery,
  InboundMessage,
  MessageBatchPort,
  ReceiveOptions,
  ReceiverPort,
  SenderPort,
} from '../../../src/adapters/servicebus/sdk-port.js';
import type { BusSource } from '../../../src/core/messaging/bus.js';

/** Rough message size for the fake batch limit: the JSON length of the body. */
export function sizeOf(message: ServiceBusMessage): number {
  const body: unknown = message.body;
  return Buffer.byteLength(JSON.stringify(body ?? null));
}

export interface BatchLimits {
  /** Byte budget per batch, measured with `sizeOf`. */
  readonly maxSizeInBytes: number;
  /** Message budget per batch, for tests that split by count. */
  readonly maxMessages: number;
}

export const ROOMY: BatchLimits = { maxSizeInBytes: 1_000_000, maxMessages: 1_000 };

export class FakeBatch implements MessageBatchPort {
  readonly messages: ServiceBusMessage[] = [];
  private bytes = 0;

  constructor(
    private readonly sender: FakeSender,
    private readonly limits: BatchLimits,
  ) {}

  get count(): number {
    return this.messages.length;
  }

  get maxSizeInBytes(): number {
    return this.limits.maxSizeInBytes;
  }

  tryAdd(message: ServiceBusMessage): boolean {
    const size = sizeOf(message);
    if (this.messages.length >= this.limits.maxMessages || this.bytes + size > this.limits.maxSizeInBytes) return false;
    this.messages.push(message);
    this.bytes += size;
    return true;
  }

  send(): Promise<void> {
    return this.sender.record(this);
  }
}

export class FakeSender implements SenderPort {
  /** The messages of each sent batch, in send order. */
  readonly sent: ServiceBusMessage[][] = [];
  batchesCreated = 0;
  closed = false;
  /** When set, createBatch rejects with it (an unreachable namespace, a missing entity). */
  createBatchError: Error | undefined;

  constructor(
    readonly entity: string,
    private readonly limits: BatchLimits,
  ) {}

  createBatch(): Promise<MessageBatchPort> {
    if (this.createBatchError !== undefined) return Promise.reject(this.createBatchError);
    this.batchesCreated += 1;
    return Promise.resolve(new FakeBatch(this, this.limits));
  }

  record(batch: FakeBatch): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`sender for "${this.entity}" is closed`));
    this.sent.push([...batch.messages]);
    return Promise.resolve();
  }

  /** Every message sent, flattened, in order. */
  sentMessages(): ServiceBusMessage[] {
    return this.sent.flat();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

export type SettlementRecord =
  | { readonly messageId: unknown; readonly kind: 'complete' | 'abandon' }
  | { readonly messageId: unknown; readonly kind: 'deadLetter'; readonly reason: string; readonly description: string };

/** Deliveries whose settlements are recorded in one shared, ordered log. */
export class SettlementLog {
  readonly records: SettlementRecord[] = [];

  delivery(message: InboundMessage, options: { readonly settlementError?: Error } = {}): Delivery {
    const settle = (record: SettlementRecord): Promise<void> => {
      if (options.settlementError !== undefined) return Promise.reject(options.settlementError);
      this.records.push(record);
      return Promise.resolve();
    };
    return {
      message,
      complete: () => settle({ messageId: message.messageId, kind: 'complete' }),
      abandon: () => settle({ messageId: message.messageId, kind: 'abandon' }),
      deadLetter: (reason, description) => settle({ messageId: message.messageId, kind: 'deadLetter', reason, description }),
    };
  }

  kindsById(): Record<string, string> {
    return Object.fromEntries(this.records.map((r) => [String(r.messageId), r.kind]));
  }
}

/** A locked session: hands out its messages `max` at a time, then reports "nothing new". */
export class FakeSessionReceiver implements ReceiverPort {
  readonly receiveCalls: { readonly max: number; readonly options: ReceiveOptions }[] = [];
  closed = false;

  constructor(
    readonly sessionId: string,
    private readonly pending: Delivery[],
  ) {}

  receive(maxMessageCount: number, options: ReceiveOptions): Promise<Delivery[]> {
    this.receiveCalls.push({ max: maxMessageCount, options });
    if (this.closed) return Promise.reject(new Error(`receiver of session "${this.sessionId}" is closed`));
    return Promise.resolve(this.pending.splice(0, maxMessageCount));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

/**
 * A client whose `acceptNextSession` hands out the sessions added with `addSession`, and otherwise
 * waits, like the SDK, until a session arrives or its abort signal fires (then it rejects).
 */
export class FakeClient implements ClientPort {
  readonly senders = new Map<string, FakeSender>();
  /** Entities in the order `createSender` was called for them. */
  readonly createdSenders: string[] = [];
  readonly acceptCalls: { readonly source: BusSource; readonly options: AcceptSessionOptions }[] = [];
  /** Errors the next `acceptNextSession` calls reject with, before any session is handed out. */
  readonly acceptErrors: Error[] = [];
  closed = false;
  private readonly sessions: FakeSessionReceiver[] = [];
  private readonly waiters: ((receiver: FakeSessionReceiver) => void)[] = [];

  constructor(private readonly limits: BatchLimits = ROOMY) {}

  /** `acceptNextSession` calls currently waiting for a session. */
  get waitingAccepts(): number {
    return this.waiters.length;
  }

  createSender(entity: string): SenderPort {
    this.createdSenders.push(entity);
    const sender = new FakeSender(entity, this.limits);
    this.senders.set(entity, sender);
    return sender;
  }

  sender(entity: string): FakeSender {
    const sender = this.senders.get(entity);
    if (sender === undefined) throw new Error(`no sender was created for "${entity}"`);
    return sender;
  }

  createReceiver(): ReceiverPort {
    throw new Error('FakeClient: every entity is session-enabled; createReceiver is not expected');
  }

  acceptNextSession(source: BusSource, options: AcceptSessionOptions): Promise<ReceiverPort> {
    this.acceptCalls.push({ source, options });
    const error = this.acceptErrors.shift();
    if (error !== undefined) return Promise.reject(error);
    const next = this.sessions.shift();
    if (next !== undefined) return Promise.resolve(next);
    const signal = options.abortSignal;
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const waiter = (receiver: FakeSessionReceiver): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(receiver);
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Makes a session available: to a waiting `acceptNextSession`, or to the next call. */
  addSession(sessionId: string, deliveries: Delivery[]): FakeSessionReceiver {
    const receiver = new FakeSessionReceiver(sessionId, deliveries);
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.sessions.push(receiver);
    else waiter(receiver);
    return receiver;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
