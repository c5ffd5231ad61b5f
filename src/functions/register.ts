import { app } from '@azure/functions';
import type { AppContext } from '../app/app-context.js';
import type { FunctionDefinition } from './definition.js';

/**
 * Registers every definition with the Azure Functions host. Handlers are built on their first
 * invocation from the process's AppContext, so registration itself stays synchronous (the host
 * indexes functions before any async start-up could finish).
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
        const handler = once(async () => def.handler(await getApp()));
        app.serviceBusQueue(def.name, { ...def.options, handler: async (m, c) => (await handler())(m, c) });
        break;
      }
      case 'serviceBusTopic': {
        const handler = once(async () => def.handler(await getApp()));
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

function once<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= create());
}
