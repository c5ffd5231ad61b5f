import {
  type ApplicationProperties,
  type DeadLetter,
  type ReceivedMessage,
} from '../../core/messaging/bus.js';
import { isPoisonMessageError } from '../../core/messaging/poison.js';

/** One message as a queue or subscription holds it; each subscription gets its own copy. */
export interface StoredMessage {
  readonly messageId: string;
  readonly sessionId: string | undefined;
  /** Kept serialised so every delivery hands out a fresh object, as a real broker would. */
  readonly bodyJson: string;
  readonly applicationProperties: ApplicationProperties;
  readonly scheduledEnqueueTimeUtc: Date | undefined;
  /** Send order across the bus; breaks ties between scheduled messages due at the same instant. */
  readonly sequence: number;
  /** When the message is (or becomes) active: the send time, or its scheduled enqueue time. */
  readonly activeAt: number;
  deliveryCount: number;
}

/** A batch handed to a handler: its messages are out of the queue (locked) until settled. */
export interface Lease {
  readonly key: string;
  readonly messages: readonly StoredMessage[];
  /** False once settled or once its lock was lost; later settlements are ignored. */
  live: boolean;
}

export type Settlement =
  | { readonly kind: 'complete' }
  | {
      readonly kind: 'abandon';
      /** Dead-letter description if a message runs out of deliveries. */
      readonly description: string;
      readonly poison?: { readonly messageIds: ReadonlySet<string>; readonly reason: string; readonly othersHandled: boolean };
    };

/** How a handler's failure settles its batch: poison messages dead-lettered, the rest abandoned. */
export function settlementFor(error: unknown): Settlement {
  const description = error instanceof Error ? error.message : String(error);
  if (!isPoisonMessageError(error)) return { kind: 'abandon', description };
  return { kind: 'abandon', description, poison: { messageIds: new Set(error.messageIds), reason: error.reason, othersHandled: error.othersHandled } };
}

export const MAX_DELIVERY_COUNT_EXCEEDED = 'MaxDeliveryCountExceeded';

/**
 * Non-session entities keep one FIFO under this key. Service Bus refuses an empty session id on a
 * session entity (the bus rejects it before it gets here), so the key cannot collide.
 */
const NO_SESSION = '';

/**
 * A queue, or one subscription of a topic: active messages per session in send order, the
 * scheduled messages not yet due, the session locks and the dead-letter list.
 */
export class SourceStore {
  /** Session → its active messages. Map order doubles as the round-robin order of sessions. */
  private readonly active = new Map<string, StoredMessage[]>();
  private readonly lockedSessions = new Set<string>();
  /** Sorted by (activeAt, sequence). */
  private readonly scheduled: StoredMessage[] = [];
  private readonly deadLettered: DeadLetter[] = [];
  private leasedMessages = 0;

  constructor(
    readonly label: string,
    readonly requiresSession: boolean,
    readonly maxDeliveryCount: number,
  ) {}

  add(message: StoredMessage, now: number): void {
    if (message.activeAt <= now) {
      this.appendActive(message);
      return;
    }
    const at = this.scheduled.findIndex(
      (other) =>
        other.activeAt > message.activeAt ||
        (other.activeAt === message.activeAt && other.sequence > message.sequence),
    );
    this.scheduled.splice(at === -1 ? this.scheduled.length : at, 0, message);
  }

  /**
   * Scheduled messages join the end of their session when due, as in Service Bus, where a
   * scheduled message is only enqueued at its scheduled time.
   */
  promoteDue(now: number): void {
    let due = 0;
    while (due < this.scheduled.length && (this.scheduled[due]?.activeAt ?? Infinity) <= now) due += 1;
    for (const message of this.scheduled.splice(0, due)) this.appendActive(message);
  }

  nextScheduledAt(): number | undefined {
    return this.scheduled[0]?.activeAt;
  }

  /** Locks the oldest messages of the first unlocked session (up to `maxBatchSize`). */
  take(maxBatchSize: number): Lease | undefined {
    for (const [key, queue] of this.active) {
      if (this.lockedSessions.has(key)) continue;
      const messages = queue.splice(0, maxBatchSize);
      if (queue.length === 0) this.active.delete(key);
      if (this.requiresSession) this.lockedSessions.add(key);
      for (const message of messages) message.deliveryCount += 1;
      this.leasedMessages += messages.length;
      return { key, messages, live: true };
    }
    return undefined;
  }

  settle(lease: Lease, settlement: Settlement, now: number): void {
    if (!lease.live) return;
    lease.live = false;
    this.leasedMessages -= lease.messages.length;
    this.lockedSessions.delete(lease.key);
    if (settlement.kind === 'complete') {
      this.rotateToBack(lease.key);
      return;
    }
    const redeliver: StoredMessage[] = [];
    for (const message of lease.messages) {
      if (settlement.poison?.messageIds.has(message.messageId) === true) {
        this.deadLetter(message, settlement.poison.reason, settlement.description, now);
      } else if (settlement.poison?.othersHandled === true) {
        // Completed: the handler processed it; only its poison neighbours failed.
      } else if (message.deliveryCount >= this.maxDeliveryCount) {
        this.deadLetter(message, MAX_DELIVERY_COUNT_EXCEEDED, settlement.description, now);
      } else {
        redeliver.push(message);
      }
    }
    if (redeliver.length === 0) return;
    // Back at the head of the session, before anything sent after them: order is kept.
    const queue = this.active.get(lease.key);
    if (queue === undefined) this.active.set(lease.key, redeliver);
    else queue.unshift(...redeliver);
  }

  /** Active messages, locked ones included (as Service Bus counts them); scheduled ones not. */
  activeMessageCount(): number {
    let count = this.leasedMessages;
    for (const queue of this.active.values()) count += queue.length;
    return count;
  }

  scheduledMessageCount(): number {
    return this.scheduled.length;
  }

  deadLetters(): readonly DeadLetter[] {
    return [...this.deadLettered];
  }

  /** Takes the dead letters `select` picks out of the list (a replay), oldest first. */
  removeDeadLetters(select: (dead: DeadLetter) => boolean): DeadLetter[] {
    const taken: DeadLetter[] = [];
    for (let i = 0; i < this.deadLettered.length; ) {
      const dead = this.deadLettered[i];
      if (dead !== undefined && select(dead)) {
        taken.push(dead);
        this.deadLettered.splice(i, 1);
      } else {
        i += 1;
      }
    }
    return taken;
  }

  private appendActive(message: StoredMessage): void {
    const key = this.requiresSession ? (message.sessionId ?? NO_SESSION) : NO_SESSION;
    const queue = this.active.get(key);
    if (queue === undefined) this.active.set(key, [message]);
    else queue.push(message);
  }

  /** A busy session goes behind the others after each batch, so no session starves the rest. */
  private rotateToBack(key: string): void {
    const queue = this.active.get(key);
    if (queue === undefined) return;
    this.active.delete(key);
    this.active.set(key, queue);
  }

  private deadLetter(message: StoredMessage, reason: string, description: string, now: number): void {
    this.deadLettered.push({
      message: toReceivedMessage(message),
      reason,
      description,
      deadLetteredAt: new Date(now),
    });
  }
}

export function toReceivedMessage(message: StoredMessage): ReceivedMessage {
  return {
    messageId: message.messageId,
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    body: JSON.parse(message.bodyJson) as unknown,
    applicationProperties: { ...message.applicationProperties },
    ...(message.scheduledEnqueueTimeUtc === undefined
      ? {}
      : { scheduledEnqueueTimeUtc: new Date(message.scheduledEnqueueTimeUtc.getTime()) }),
    deliveryCount: message.deliveryCount,
    enqueuedTimeUtc: new Date(message.activeAt),
  };
}
