import type { BusSettings } from '../../core/config/types.js';
import type { BusSource, DeadLetter } from '../../core/messaging/bus.js';
import { replayMessage, replayTarget, type DeadLetterAccess, type DeadLetterEntry } from '../../core/messaging/dead-letter-replay.js';
import type { MemoryBus } from './memory-bus.js';

/** Every consumed source of DESIGN §3, with its Service Bus entity path. */
export function consumedSources(bus: BusSettings): readonly { readonly entity: string; readonly source: BusSource }[] {
  return [
    { entity: bus.ingressQueue, source: { queue: bus.ingressQueue } },
    { entity: `${bus.verifiedTopic}/subscriptions/${bus.progressionSubscription}`, source: { topic: bus.verifiedTopic, subscription: bus.progressionSubscription } },
    { entity: `${bus.verifiedTopic}/subscriptions/${bus.leaderboardSubscription}`, source: { topic: bus.verifiedTopic, subscription: bus.leaderboardSubscription } },
  ];
}

/**
 * The embedded host's dead letters (the memory bus honours PoisonMessageError itself, so nothing
 * is parked there). A replay resends the original to its entity, then drops it from the list.
 */
export function memoryDeadLetterAccess(options: { readonly bus: MemoryBus; readonly settings: BusSettings }): DeadLetterAccess {
  const { bus } = options;
  const sources = consumedSources(options.settings);
  return {
    list: () => Promise.resolve(sources.flatMap(({ entity, source }) => bus.deadLetters(source).map((dead) => toEntry(entity, dead)))),
    replay: async (entries) => {
      for (const { entity, source } of sources) {
        const mine = entries.filter((e) => e.entity === entity);
        if (mine.length === 0) continue;
        const ids = new Set(mine.map((e) => e.messageId));
        await bus.send(replayTarget(entity), mine.map(replayMessage));
        bus.removeDeadLetters(source, (dead) => ids.has(dead.message.messageId));
      }
    },
  };
}

function toEntry(entity: string, dead: DeadLetter): DeadLetterEntry {
  const { message } = dead;
  return {
    store: `${entity}/$DeadLetterQueue`,
    entity,
    messageId: message.messageId,
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    reason: dead.reason,
    description: dead.description,
    deliveryCount: message.deliveryCount,
    // The original send time: that is what the duplicate-detection window counts from.
    enqueuedTimeUtc: message.enqueuedTimeUtc,
    body: message.body,
    applicationProperties: message.applicationProperties,
  };
}
