/**
 * The entities the memory bus knows about. Service Bus only accepts sends to entities that exist,
 * so the memory bus is told its topology up front instead of creating entities on first use: a
 * typo in an entity name fails in `npm start` exactly as it would against Azure.
 */

export interface QueueDefinition {
  readonly name: string;
  readonly requiresSession: boolean;
  /** Duplicate detection history window; omitted = duplicate detection off. */
  readonly duplicateDetectionWindowMs?: number;
  readonly maxDeliveryCount: number;
}

export interface SubscriptionDefinition {
  readonly name: string;
  readonly requiresSession: boolean;
  readonly maxDeliveryCount: number;
}

export interface TopicDefinition {
  readonly name: string;
  readonly subscriptions: readonly SubscriptionDefinition[];
  /** Duplicate detection is a property of the topic in Service Bus, not of its subscriptions. */
  readonly duplicateDetectionWindowMs?: number;
}

export interface MemoryTopology {
  readonly queues: readonly QueueDefinition[];
  readonly topics: readonly TopicDefinition[];
}

/** The entity names of DESIGN §3; the field names match `BusSettings`, so settings can be passed. */
export interface TopologyNames {
  readonly ingressQueue: string;
  readonly verifiedTopic: string;
  readonly progressionSubscription: string;
  readonly leaderboardSubscription: string;
  readonly parkedQueue: string;
  readonly maxDeliveryCount: number;
}

/** Service Bus' default `duplicateDetectionHistoryTimeWindow` (PT10M). */
export const DEFAULT_DUPLICATE_DETECTION_WINDOW_MS = 10 * 60 * 1000;

/**
 * DESIGN §3: the ingress queue with sessions (playerId) and duplicate detection (eventId), and the
 * verified topic with its two session-enabled subscriptions; the topic also detects duplicates
 * (topology.json), so a verdict re-published after a redelivery reaches consumers once.
 */
export function defaultTopology(names: TopologyNames): MemoryTopology {
  return {
    queues: [
      {
        name: names.ingressQueue,
        requiresSession: true,
        duplicateDetectionWindowMs: DEFAULT_DUPLICATE_DETECTION_WINDOW_MS,
        maxDeliveryCount: names.maxDeliveryCount,
      },
      // Where consumers under the Functions host park poison messages; nothing consumes it.
      { name: names.parkedQueue, requiresSession: false, maxDeliveryCount: names.maxDeliveryCount },
    ],
    topics: [
      {
        name: names.verifiedTopic,
        duplicateDetectionWindowMs: DEFAULT_DUPLICATE_DETECTION_WINDOW_MS,
        subscriptions: [
          { name: names.progressionSubscription, requiresSession: true, maxDeliveryCount: names.maxDeliveryCount },
          { name: names.leaderboardSubscription, requiresSession: true, maxDeliveryCount: names.maxDeliveryCount },
        ],
      },
    ],
  };
}

/** Rejects topologies Service Bus itself would refuse, so mistakes surface at start-up. */
export function validateTopology(topology: MemoryTopology): void {
  const entityNames = new Set<string>();
  const claim = (name: string): void => {
    if (name.trim() === '') throw new Error('memory bus topology: entity names must not be empty');
    // Queues and topics share one namespace in Service Bus.
    if (entityNames.has(name)) throw new Error(`memory bus topology: entity "${name}" is declared twice`);
    entityNames.add(name);
  };
  const checkDelivery = (label: string, maxDeliveryCount: number): void => {
    if (!Number.isInteger(maxDeliveryCount) || maxDeliveryCount < 1) {
      throw new Error(`memory bus topology: ${label} needs an integer maxDeliveryCount >= 1`);
    }
  };
  const checkWindow = (label: string, windowMs: number | undefined): void => {
    if (windowMs !== undefined && !(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new Error(`memory bus topology: ${label} needs a positive duplicateDetectionWindowMs`);
    }
  };
  for (const queue of topology.queues) {
    claim(queue.name);
    checkDelivery(`queue "${queue.name}"`, queue.maxDeliveryCount);
    checkWindow(`queue "${queue.name}"`, queue.duplicateDetectionWindowMs);
  }
  for (const topic of topology.topics) {
    claim(topic.name);
    checkWindow(`topic "${topic.name}"`, topic.duplicateDetectionWindowMs);
    const subscriptionNames = new Set<string>();
    for (const subscription of topic.subscriptions) {
      const label = `subscription "${topic.name}/${subscription.name}"`;
      if (subscriptionNames.has(subscription.name)) throw new Error(`memory bus topology: ${label} is declared twice`);
      subscriptionNames.add(subscription.name);
      checkDelivery(label, subscription.maxDeliveryCount);
    }
  }
}
