import type { ApplicationProperties, OutgoingMessage } from './bus.js';
import { unparkedMessage } from './parked.js';

/**
 * The on-call view of what the bus gave up on, whichever store holds it: an entity's
 * dead-letter sub-queue (`$DeadLetterQueue`) or the parked queue (poison under the Functions
 * host). `npm run dlq` (src/tools/dlq.ts) and the embedded admin route both work on these.
 */
export interface DeadLetterEntry {
  /** Where it sits now, e.g. `liveops-ingress/$DeadLetterQueue` or `liveops-parked`. */
  readonly store: string;
  /** The entity it failed on: a queue, or `<topic>/subscriptions/<subscription>`. */
  readonly entity: string;
  readonly messageId: string;
  readonly sessionId?: string;
  readonly reason: string;
  readonly description: string;
  readonly deliveryCount: number;
  /** When it entered the store it sits in. */
  readonly enqueuedTimeUtc: Date;
  readonly body: unknown;
  readonly applicationProperties: ApplicationProperties;
  /** The store's own handle (Service Bus sequence number), when it has one. */
  readonly sequenceNumber?: string;
}

export interface DeadLetterFilter {
  readonly entity?: string;
  readonly reason?: string;
  readonly messageId?: string;
}

/** Lists and replays entries of one bus; `replay` resends each and then removes it from its store. */
export interface DeadLetterAccess {
  list(): Promise<readonly DeadLetterEntry[]>;
  replay(entries: readonly DeadLetterEntry[]): Promise<void>;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  readonly replayed: readonly { readonly messageId: string; readonly entity: string; readonly to: string }[];
  readonly skipped: readonly { readonly messageId: string; readonly entity: string; readonly why: string }[];
}

export function matchesFilter(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  return (
    (filter.entity === undefined || entry.entity === filter.entity || entry.entity.startsWith(`${filter.entity}/`)) &&
    (filter.reason === undefined || entry.reason === filter.reason) &&
    (filter.messageId === undefined || entry.messageId === filter.messageId)
  );
}

/** Where a replay goes: a queue's own name; a subscription's topic (it fans out again). */
export function replayTarget(entity: string): string {
  const at = entity.indexOf('/subscriptions/');
  return at < 0 ? entity : entity.slice(0, at);
}

/**
 * The original message again: the same `messageId` (consumers deduplicate by it, so a replay of
 * something that was in fact applied changes nothing), session, body and properties.
 */
export function replayMessage(entry: DeadLetterEntry): OutgoingMessage {
  const unparked = unparkedMessage(entry);
  const sessionId = unparked.sessionId ?? entry.sessionId;
  return { ...unparked, ...(sessionId === undefined ? {} : { sessionId }) };
}

/**
 * Picks the entries to replay and replays them (unless `dryRun`). An entry still inside the
 * target's duplicate-detection window is skipped: the broker would silently drop a resend with
 * the same `messageId`, and removing the entry would lose it.
 */
export async function replayDeadLetters(options: {
  readonly access: DeadLetterAccess;
  readonly filter: DeadLetterFilter;
  readonly dryRun: boolean;
  readonly nowMs: number;
  readonly duplicateWindowMs: number;
}): Promise<ReplayReport> {
  const entries = (await options.access.list()).filter((e) => matchesFilter(e, options.filter));
  const skipped: { messageId: string; entity: string; why: string }[] = [];
  const chosen: DeadLetterEntry[] = [];
  for (const entry of entries) {
    const clearAt = entry.enqueuedTimeUtc.getTime() + options.duplicateWindowMs;
    if (clearAt > options.nowMs) {
      skipped.push({ messageId: entry.messageId, entity: entry.entity, why: `inside the duplicate-detection window until ${new Date(clearAt).toISOString()}; replay after that` });
    } else {
      chosen.push(entry);
    }
  }
  if (!options.dryRun && chosen.length > 0) await options.access.replay(chosen);
  return {
    dryRun: options.dryRun,
    replayed: chosen.map((e) => ({ messageId: e.messageId, entity: e.entity, to: replayTarget(e.entity) })),
    skipped,
  };
}
