import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import type { Consumer, OutgoingMessage, Publisher, Subscription } from '../../core/messaging/bus.js';
import type { Logger } from '../../core/logging/logger.js';
import { toServiceBusMessage } from './mapping.js';
import { clientPort, type ClientPort, type MessageBatchPort, type SenderPort } from './sdk-port.js';
import { runSessionLoop, type LoopOptions } from './session-loop.js';

export type ServiceBusConnection = { readonly connectionString: string } | { readonly namespace: string };

export type ServiceBusBusOptions = ServiceBusConnection & {
  readonly logger: Logger;
  /** The queue the readiness probe opens a sender link to (needs only Send rights). */
  readonly probeQueue: string;
  /** Sessions locked at once per source (host.json `maxConcurrentSessions`). */
  readonly maxConcurrentSessions?: number;
  /** How long one receive waits for the next message of a locked session before releasing it. */
  readonly sessionIdleMs?: number;
  /** Injected in tests; by default built from the connection. */
  readonly client?: ClientPort;
};

export interface ServiceBusBus extends Publisher, Consumer {
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Azure Service Bus behind the bus port, for processes that run the consumers themselves
 * (tools, the simulator). Under the Functions host the triggers receive instead; this adapter then
 * only publishes. Every entity of DESIGN §3 is session-enabled, so consumers lock sessions.
 */
export function createServiceBusBus(options: ServiceBusBusOptions): ServiceBusBus {
  const client = options.client ?? clientPort(createClient(options));
  const senders = new Map<string, SenderPort>();
  const loops = new Set<{ close(): Promise<void> }>();
  const senderFor = (entity: string): SenderPort => {
    let sender = senders.get(entity);
    if (sender === undefined) {
      sender = client.createSender(entity);
      senders.set(entity, sender);
    }
    return sender;
  };

  return {
    send: (entity, messages) => sendInBatches(senderFor(entity), entity, messages),
    subscribe: (subscription): Subscription => {
      const loopOptions: LoopOptions = {
        client,
        source: subscription.source,
        maxBatchSize: subscription.maxBatchSize,
        handler: subscription.handler,
        logger: options.logger,
        sessionIdleMs: options.sessionIdleMs ?? 1_000,
      };
      const workers = Array.from({ length: options.maxConcurrentSessions ?? 8 }, () => runSessionLoop(loopOptions));
      const loop = { close: async () => { await Promise.all(workers.map((w) => w.close())); } };
      loops.add(loop);
      return {
        close: async () => {
          loops.delete(loop);
          await loop.close();
        },
      };
    },
    ping: async () => {
      // Creating a batch opens the AMQP sender link: it proves DNS, TLS, auth and that the entity exists.
      await senderFor(options.probeQueue).createBatch();
    },
    close: async () => {
      await Promise.all([...loops].map((l) => l.close()));
      await Promise.all([...senders.values()].map((s) => s.close()));
      await client.close();
    },
  };
}

/**
 * Sends in as few batches as the entity's size limit allows, in order. A message that does not fit
 * even an empty batch is rejected before anything is sent, so the caller sees a clear error: every
 * batch is filled first and only then are they sent.
 */
export async function sendInBatches(sender: SenderPort, entity: string, messages: readonly OutgoingMessage[]): Promise<void> {
  const full: MessageBatchPort[] = [];
  let batch = await sender.createBatch();
  for (const message of messages) {
    const sdkMessage = toServiceBusMessage(message);
    if (batch.tryAdd(sdkMessage)) continue;
    if (batch.count > 0) {
      full.push(batch);
      batch = await sender.createBatch();
      if (batch.tryAdd(sdkMessage)) continue;
    }
    throw new Error(`send to "${entity}": message "${message.messageId}" exceeds the maximum batch size of ${batch.maxSizeInBytes} bytes`);
  }
  if (batch.count > 0) full.push(batch);
  for (const ready of full) await ready.send();
}

export function createClient(connection: ServiceBusConnection): ServiceBusClient {
  if ('connectionString' in connection) return new ServiceBusClient(connection.connectionString);
  const host = connection.namespace.includes('.') ? connection.namespace : `${connection.namespace}.servicebus.windows.net`;
  return new ServiceBusClient(host, new DefaultAzureCredential());
}
