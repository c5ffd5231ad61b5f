import { type OutgoingMessage } from '../../core/messaging/bus.js';
import { type StoredMessage } from './memory-source-store.js';

/** Service Bus limits that a message hits at send time; checked here so the memory bus agrees. */
const MAX_ID_LENGTH = 128;
/** The Standard tier's maximum message size. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Duplicate detection: a messageId seen on the entity within the window is dropped. As in Service
 * Bus, the window runs from the first accepted message; dropped duplicates do not extend it.
 */
export class DuplicateWindow {
  /** messageId → accept time; insertion order is time order, so expiry pops from the front. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True when the message must be dropped; otherwise records it. */
  isDuplicate(messageId: string, now: number): boolean {
    for (const [id, at] of this.seen) {
      if (now - at < this.windowMs) break;
      this.seen.delete(id);
    }
    if (this.seen.has(messageId)) return true;
    this.seen.set(messageId, now);
    return false;
  }
}

export interface PrepareContext {
  readonly entity: string;
  /** True when the entity (or, for a topic, any of its subscriptions) requires sessions. */
  readonly requiresSession: boolean;
  readonly maxMessageBytes: number;
  readonly now: number;
  readonly sequence: number;
}

/**
 * Validates and serialises one outgoing message the way a send to Service Bus would fail: every
 * problem is an error naming the entity and the messageId.
 */
export function prepareMessage(message: OutgoingMessage, context: PrepareContext): StoredMessage {
  const { entity } = context;
  const id: unknown = message.messageId;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    throw new Error(`send to "${entity}": messageId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  const where = `send to "${entity}", message "${id}"`;
  const { sessionId } = message;
  if (sessionId !== undefined && (sessionId === '' || sessionId.length > MAX_ID_LENGTH)) {
    throw new Error(`${where}: sessionId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  if (context.requiresSession && sessionId === undefined) {
    throw new Error(`${where}: the entity requires sessions, so the message needs a sessionId`);
  }
  const bodyJson = serialiseBody(message.body, where);
  const size = Buffer.byteLength(bodyJson) + Buffer.byteLength(JSON.stringify(message.applicationProperties));
  if (size > context.maxMessageBytes) {
    throw new Error(`${where}: about ${size} bytes exceeds the maximum message size of ${context.maxMessageBytes} bytes`);
  }
  const scheduled = message.scheduledEnqueueTimeUtc;
  if (scheduled !== undefined && Number.isNaN(scheduled.getTime())) {
    throw new Error(`${where}: scheduledEnqueueTimeUtc is an invalid date`);
  }
  return {
    messageId: id,
    sessionId,
    bodyJson,
    applicationProperties: { ...message.applicationProperties },
    scheduledEnqueueTimeUtc: scheduled === undefined ? undefined : new Date(scheduled.getTime()),
    sequence: context.sequence,
    activeAt: scheduled === undefined ? context.now : Math.max(context.now, scheduled.getTime()),
    deliveryCount: 0,
  };
}

/**
 * Bodies travel as JSON on the real bus (the SDK stringifies them), so the memory bus does the same:
 * a body that only works in process (a Date, a Map, a BigInt) fails or changes shape here as well.
 */
function serialiseBody(body: unknown, where: string): string {
  let json: unknown;
  try {
    // Typed as string, but undefined for `undefined`, functions and symbols.
    json = JSON.stringify(body);
  } catch (error: unknown) {
    throw new Error(`${where}: body is not JSON-serialisable`, { cause: error });
  }
  if (typeof json !== 'string') throw new Error(`${where}: body is not JSON-serialisable`);
  return json;
}
