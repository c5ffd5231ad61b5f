import { app } from '@azure/functions';
import type { AppContext } from '../app/app-context.js';
import type { Settings } from '../core/config/types.js';
import { resolveBindingExpression } from '../core/config/binding-expressions.js';
import { parkPoisonUnderHost } from './bus/park-poison.js';
import type { FunctionDefinition, ServiceBusQueueFunctionDefinition, ServiceBusTopicFunctionDefinition } from './definition.js';

/**
 * Registers every definition with the Azure Functions host. Handlers are built on their first
 * invocation from the process's AppContext, so registration itself stays synchronous (the host
 * indexes functions before any async start-up could finish).
 *
 * Bus consumers are wrapped for the host's settlement model: poison is parked instead of failing
 * the batch (./bus/park-poison.ts, docs/production-path.md).
 */
export function registerWithFunctionsHost(options: {
  readonly definitions: readonly FunctionDefinition[];
  readonly getApp: () => Promise<AppContext>;
}): void {
  const { getApp } = options;
  for (const def of options.definitions) {
    switch (def.kind) {
      case 'http': {
        const handler = once(async () => def.handler(await getApp()));
        app.http(def.name, {
          ...def.options,
          methods: [...def.options.methods],
          handler: async (request, context) => (await handler())(request, context),
        });
        break;
      }
      case 'serviceBusQueue': {
        const handler = once(async () => hostConsumer(def, await getApp()));
        app.serviceBusQueue(def.name, { ...def.options, handler: async (m, c) => (await handler())(m, c) });
        break;
      }
      case 'serviceBusTopic': {
        const handler = once(async () => hostConsumer(def, await getApp()));
        app.serviceBusTopic(def.name, { ...def.options, handler: async (m, c) => (await handler())(m, c) });
        break;
      }
      case 'timer': {
        const handler = once(async () => def.handler(await getApp()));
        app.timer(def.name, { ...def.options, handler: async (t, c) => (await handler())(t, c) });
        break;
      }
    }
  }
}

function hostConsumer(def: ServiceBusQueueFunctionDefinition | ServiceBusTopicFunctionDefinition, app: AppContext): ReturnType<typeof parkPoisonUnderHost> {
  return parkPoisonUnderHost({ app, source: entityPath(def, app.settings), handler: def.handler(app) });
}

/** The Service Bus entity path of a trigger's source, as dead-letter tooling names it. */
export function entityPath(def: ServiceBusQueueFunctionDefinition | ServiceBusTopicFunctionDefinition, settings: Settings): string {
  const resolve = (expression: string): string => resolveBindingExpression(expression, settings);
  return def.kind === 'serviceBusQueue'
    ? resolve(def.options.queueName)
    : `${resolve(def.options.topicName)}/subscriptions/${resolve(def.options.subscriptionName)}`;
}

function once<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= create());
}
