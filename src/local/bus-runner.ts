import type { AppContext } from '../app/app-context.js';
import type { BusSource, Subscription } from '../core/messaging/bus.js';
import type { ServiceBusQueueFunctionDefinition, ServiceBusTopicFunctionDefinition } from '../functions/definition.js';
import { toServiceBusTrigger } from '../functions/service-bus-trigger.js';
import { resolveBindingExpression } from '../core/config/binding-expressions.js';
import { createInvocationContext } from './invocation.js';

export type BusFunctionDefinition = ServiceBusQueueFunctionDefinition | ServiceBusTopicFunctionDefinition;

/** Batch size when a trigger asks for `cardinality: 'many'` (host.json maxMessageBatchSize). */
const BATCH_SIZE = 100;

/**
 * Delivers bus messages to the queue- and topic-triggered functions, converting each batch to
 * the shape the Functions host passes (bodies plus trigger metadata arrays). A handler that throws
 * abandons the batch; the bus redelivers it up to the max delivery count, then dead-letters it.
 */
export function startBusConsumers(options: {
  readonly app: AppContext;
  readonly definitions: readonly BusFunctionDefinition[];
}): { close(): Promise<void> } {
  const { app } = options;
  const subscriptions: Subscription[] = options.definitions.map((def) => {
    const handler = def.handler(app);
    const many = def.options.cardinality === 'many';
    return app.bus.subscribe({
      source: sourceOf(def, app),
      maxBatchSize: many ? BATCH_SIZE : 1,
      handler: async (batch) => {
        const { messages, triggerMetadata } = toServiceBusTrigger(batch, { cardinality: many ? 'many' : 'one' });
        const context = createInvocationContext({
          functionName: def.name,
          triggerType: 'serviceBusTrigger',
          logger: app.logger,
          triggerMetadata,
        });
        await handler(many ? messages : messages[0], context);
      },
    });
  });
  return {
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

function sourceOf(def: BusFunctionDefinition, app: AppContext): BusSource {
  const resolve = (expression: string): string => resolveBindingExpression(expression, app.settings);
  return def.kind === 'serviceBusQueue'
    ? { queue: resolve(def.options.queueName) }
    : { topic: resolve(def.options.topicName), subscription: resolve(def.options.subscriptionName) };
}
