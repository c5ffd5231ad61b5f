import { type BusSource } from '../../core/messaging/bus.js';
import { DuplicateWindow } from './memory-send.js';
import { SourceStore } from './memory-source-store.js';
import { type MemoryTopology, validateTopology } from './memory-topology.js';

/** A queue or topic as a sender sees it. */
export interface Entity {
  /** For a topic: true when any subscription requires sessions (a message must then carry one). */
  readonly requiresSession: boolean;
  readonly dedup: DuplicateWindow | undefined;
  /** The queue itself, or every subscription of the topic (fan-out). */
  readonly stores: readonly SourceStore[];
  /** Undefined for a queue. */
  readonly subscriptions: ReadonlyMap<string, SourceStore> | undefined;
}

export class Entities {
  private readonly byName = new Map<string, Entity>();
  /** Every queue and subscription, in declaration order. */
  readonly stores: readonly SourceStore[];

  constructor(topology: MemoryTopology) {
    validateTopology(topology);
    const stores: SourceStore[] = [];
    for (const queue of topology.queues) {
      const store = new SourceStore(queue.name, queue.requiresSession, queue.maxDeliveryCount);
      stores.push(store);
      this.byName.set(queue.name, {
        requiresSession: queue.requiresSession,
        dedup: windowOf(queue.duplicateDetectionWindowMs),
        stores: [store],
        subscriptions: undefined,
      });
    }
    for (const topic of topology.topics) {
      const subscriptions = new Map<string, SourceStore>();
      for (const sub of topic.subscriptions) {
        const store = new SourceStore(`${topic.name}/${sub.name}`, sub.requiresSession, sub.maxDeliveryCount);
        stores.push(store);
        subscriptions.set(sub.name, store);
      }
      this.byName.set(topic.name, {
        requiresSession: topic.subscriptions.some((sub) => sub.requiresSession),
        dedup: windowOf(topic.duplicateDetectionWindowMs),
        stores: [...subscriptions.values()],
        subscriptions,
      });
    }
    this.stores = stores;
  }

  entity(name: string): Entity {
    const entity = this.byName.get(name);
    if (entity === undefined) throw new Error(`unknown entity "${name}" (not a queue or topic of the memory bus topology)`);
    return entity;
  }

  store(source: BusSource): SourceStore {
    if ('queue' in source) {
      const entity = this.byName.get(source.queue);
      const store = entity?.subscriptions === undefined ? entity?.stores[0] : undefined;
      if (store === undefined) throw new Error(`unknown queue "${source.queue}"`);
      return store;
    }
    const subscriptions = this.byName.get(source.topic)?.subscriptions;
    if (subscriptions === undefined) throw new Error(`unknown topic "${source.topic}"`);
    const store = subscriptions.get(source.subscription);
    if (store === undefined) throw new Error(`unknown subscription "${source.topic}/${source.subscription}"`);
    return store;
  }
}

function windowOf(windowMs: number | undefined): DuplicateWindow | undefined {
  return windowMs === undefined ? undefined : new DuplicateWindow(windowMs);
}
