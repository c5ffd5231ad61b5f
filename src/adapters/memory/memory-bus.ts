import {
  type BatchHandler,
  type BusSource,
  type Consumer,
  type DeadLetter,
  type OutgoingMessage,
  type Publisher,
  type Subscription,
} from '../../core/messaging/bus.js';
import { Entities } from './memory-entities.js';
import { DEFAULT_MAX_MESSAGE_BYTES, prepareMessage } from './memory-send.js';
import { type Lease, type Settlement, type SourceStore, settlementFor, toReceivedMessage } from './memory-source-store.js';
import { realTimers, type TimerApi, WakeTimer } from './memory-timers.js';
import { type MemoryTopology } from './memory-topology.js';

export { defaultTopology } from './memory-topology.js';
export type { MemoryTopology, QueueDefinition, SubscriptionDefinition, TopicDefinition, TopologyNames } from './memory-topology.js';

export interface MemoryBusOptions {
  readonly topology: MemoryTopology;
  /** Epoch milliseconds; injectable so duplicate windows and schedules are testable. */
  readonly now?: () => number;
  /** Scheduling for scheduled messages and lock expiry; default `setTimeout` (unref'd). */
  readonly setTimer?: (callback: () => void, delayMs: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  /**
   * How long a handler may hold a batch before its lock is lost and the messages are redelivered
   * (deliveryCount already spent), like the host's `maxAutoLockRenewalDuration`. 0 = never.
   */
  readonly lockDurationMs?: number;
  /** Sessions processed at once per session source (host.json `maxConcurrentSessions`). */
  readonly maxConcurrentSessions?: number;
  /** Batches processed at once per non-session source (host.json `maxConcurrentCalls`). */
  readonly maxConcurrentCalls?: number;
  readonly maxMessageBytes?: number;
}

interface ConsumerState {
  readonly store: SourceStore;
  readonly handler: BatchHandler;
  readonly maxBatchSize: number;
  readonly concurrency: number;
  closed: boolean;
  readonly running: Set<Promise<void>>;
}

const DEFAULT_LOCK_DURATION_MS = 5 * 60 * 1000;

/**
 * The embedded bus behind `npm start` and the unit tests, faithful to Service Bus where consumers
 * depend on it (DESIGN §3): per-session order with one batch per session at a time, redelivery up
 * to the max delivery count and then a dead-letter list, duplicate detection, topic fan-out and
 * scheduled messages. Nothing polls: deliveries are driven by sends, settlements and one timer.
 */
export class MemoryBus implements Publisher, Consumer {
  private readonly entities: Entities;
  private readonly consumers = new Map<SourceStore, ConsumerState>();
  /** Every handler still running, including those of closed subscriptions. */
  private readonly running = new Set<Promise<void>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly timers: TimerApi;
  private readonly wakeTimer: WakeTimer;
  private readonly lockDurationMs: number;
  private readonly maxConcurrentSessions: number;
  private readonly maxConcurrentCalls: number;
  private readonly maxMessageBytes: number;
  private sequence = 0;
  private closed = false;

  constructor(options: MemoryBusOptions) {
    this.entities = new Entities(options.topology);
    this.now = options.now ?? Date.now;
    this.timers = {
      setTimer: options.setTimer ?? realTimers.setTimer,
      clearTimer: options.clearTimer ?? realTimers.clearTimer,
    };
    this.wakeTimer = new WakeTimer(this.timers, () => {
      this.afterChange();
    });
    this.lockDurationMs = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
    this.maxConcurrentSessions = positiveInteger(options.maxConcurrentSessions ?? 32, 'maxConcurrentSessions');
    this.maxConcurrentCalls = positiveInteger(options.maxConcurrentCalls ?? 16, 'maxConcurrentCalls');
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Validates the whole list first, so a rejected send has enqueued nothing. */
  send(entityName: string, messages: readonly OutgoingMessage[]): Promise<void> {
    try {
      const entity = this.entities.entity(entityName);
      if (this.closed) throw new Error(`send to "${entityName}": the memory bus is closed`);
      const now = this.now();
      const prepared = messages.map((message) =>
        prepareMessage(message, {
          entity: entityName,
          requiresSession: entity.requiresSession,
          maxMessageBytes: this.maxMessageBytes,
          now,
          sequence: this.sequence++,
        }),
      );
      for (const message of prepared) {
        if (entity.dedup?.isDuplicate(message.messageId, now) === true) continue;
        for (const store of entity.stores) store.add({ ...message }, now);
      }
      this.afterChange();
      return Promise.resolve();
    } catch (error: unknown) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** One subscription per source, as one Functions trigger owns one queue or subscription. */
  subscribe(options: { readonly source: BusSource; readonly maxBatchSize: number; readonly handler: BatchHandler }): Subscription {
    const store = this.entities.store(options.source);
    positiveInteger(options.maxBatchSize, 'maxBatchSize');
    if (this.closed) throw new Error(`subscribe to "${store.label}": the memory bus is closed`);
    if (this.consumers.has(store)) throw new Error(`subscribe: "${store.label}" already has a subscriber`);
    const consumer: ConsumerState = {
      store,
      handler: options.handler,
      maxBatchSize: options.maxBatchSize,
      concurrency: store.requiresSession ? this.maxConcurrentSessions : this.maxConcurrentCalls,
      closed: false,
      running: new Set(),
    };
    this.consumers.set(store, consumer);
    this.afterChange();
    return { close: () => this.closeConsumer(consumer) };
  }

  deadLetters(source: BusSource): readonly DeadLetter[] {
    return this.entities.store(source).deadLetters();
  }

  /** Removes and returns the dead letters `select` picks (the dead-letter replay's "complete"). */
  removeDeadLetters(source: BusSource, select: (dead: DeadLetter) => boolean): readonly DeadLetter[] {
    return this.entities.store(source).removeDeadLetters(select);
  }

  /** Active messages (locked ones included); scheduled messages that are not due yet excluded. */
  activeMessageCount(source: BusSource): number {
    return this.entities.store(source).activeMessageCount();
  }

  scheduledMessageCount(source: BusSource): number {
    return this.entities.store(source).scheduledMessageCount();
  }

  /**
   * Resolves once no handler is running and nothing is deliverable now. Scheduled messages that
   * are not due, and messages of sources nobody subscribes to, do not count.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.afterChange();
    });
  }

  /** For the embedded host's readiness probe: the memory bus is up while the process is. */
  ping(): Promise<void> {
    return this.closed ? Promise.reject(new Error('the memory bus is closed')) : Promise.resolve();
  }

  /** Stops every subscription and timer; resolves when running handlers are done. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = [...this.consumers.values()].map((consumer) => this.closeConsumer(consumer));
    this.wakeTimer.cancel();
    await Promise.all([...closing, ...this.running]);
  }

  private async closeConsumer(consumer: ConsumerState): Promise<void> {
    consumer.closed = true;
    if (this.consumers.get(consumer.store) === consumer) this.consumers.delete(consumer.store);
    await Promise.all([...consumer.running]);
  }

  /** Re-evaluates everything after any change: due schedules, free sessions, timers, idle waiters. */
  private afterChange(): void {
    const now = this.now();
    for (const store of this.entities.stores) store.promoteDue(now);
    for (const consumer of this.consumers.values()) this.pump(consumer);
    if (!this.closed) this.wakeTimer.arm(this.nextScheduledAt(), now);
    if (this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private nextScheduledAt(): number | undefined {
    let next: number | undefined;
    for (const store of this.entities.stores) {
      const at = store.nextScheduledAt();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  private pump(consumer: ConsumerState): void {
    while (!consumer.closed && consumer.running.size < consumer.concurrency) {
      const lease = consumer.store.take(consumer.maxBatchSize);
      if (lease === undefined) return;
      this.run(consumer, lease);
    }
  }

  /** Runs the handler on a later microtask, so a send never re-enters a handler synchronously. */
  private run(consumer: ConsumerState, lease: Lease): void {
    const batch = lease.messages.map(toReceivedMessage);
    const lockTimer =
      this.lockDurationMs > 0
        ? { handle: this.timers.setTimer(() => { this.loseLock(consumer.store, lease); }, this.lockDurationMs) }
        : undefined;
    const task: Promise<void> = Promise.resolve()
      .then(() => consumer.handler(batch))
      .then((): Settlement => ({ kind: 'complete' }), settlementFor)
      .then((settlement) => {
        if (lockTimer !== undefined) this.timers.clearTimer(lockTimer.handle);
        consumer.running.delete(task);
        this.running.delete(task);
        consumer.store.settle(lease, settlement, this.now());
        this.afterChange();
      });
    consumer.running.add(task);
    this.running.add(task);
  }

  /** The handler overran its lock: the messages go back (their delivery spent) for another try. */
  private loseLock(store: SourceStore, lease: Lease): void {
    const description = `message lock lost: the handler held the batch longer than ${this.lockDurationMs} ms`;
    store.settle(lease, { kind: 'abandon', description }, this.now());
    this.afterChange();
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`memory bus: ${name} must be an integer >= 1`);
  return value;
}
