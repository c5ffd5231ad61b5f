/**
 * The message bus port (DESIGN §3). Two implementations: the in-memory bus behind `npm start`
 * and Azure Service Bus. Both honour what consumers rely on: per-session order, redelivery up to
 * the entity's max delivery count, then dead-lettering with a reason.
 */

export type ApplicationProperties = Readonly<Record<string, string | number | boolean>>;

export interface OutgoingMessage {
  /** The dedup key; for events it is the `eventId`. */
  readonly messageId: string;
  /** Per-session ordering key; for events it is the `playerId`. */
  readonly sessionId?: string;
  readonly body: unknown;
  readonly applicationProperties: ApplicationProperties;
  /** Deliver no earlier than this (used by consumers to back off on transient failures). */
  readonly scheduledEnqueueTimeUtc?: Date;
}

export interface ReceivedMessage extends OutgoingMessage {
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly enqueuedTimeUtc: Date;
}

/** A queue, or one subscription of a topic. */
export type BusSource =
  | { readonly queue: string }
  | { readonly topic: string; readonly subscription: string };

export interface Publisher {
  /**
   * Sends the messages to a queue or topic. Large lists are split into batches that respect the
   * entity's size limit; a rejection means some batches may not have been sent, so callers that
   * retry rely on `messageId` duplicate detection and idempotent consumers.
   */
  send(entity: string, messages: readonly OutgoingMessage[]): Promise<void>;
}

export interface DeadLetter {
  readonly message: ReceivedMessage;
  readonly reason: string;
  readonly description: string;
  readonly deadLetteredAt: Date;
}

/** Receives a batch of messages of one session; throwing abandons the whole batch (redelivery). */
export type BatchHandler = (batch: readonly ReceivedMessage[]) => Promise<void>;

export interface Subscription {
  /** Stops taking new messages and resolves once the in-flight batches have settled. */
  close(): Promise<void>;
}

export interface Consumer {
  subscribe(options: {
    readonly source: BusSource;
    readonly maxBatchSize: number;
    readonly handler: BatchHandler;
  }): Subscription;
}
