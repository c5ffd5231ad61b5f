import type { AppContext } from '../app/app-context.js';
import type { FunctionDefinition, HttpFunctionDefinition, TimerFunctionDefinition } from '../functions/definition.js';
import { startBusConsumers, type BusFunctionDefinition } from './bus-runner.js';
import { startHttpServer, type ExtraRoute, type HttpTimeouts } from './http-server.js';
import { startTimers } from './timer-runner.js';

export interface EmbeddedHost {
  /** Base URL, e.g. `http://localhost:7071` (functions are under `/api`). */
  readonly url: string;
  /** The address and port bound (LISTEN_ADDRESS, 127.0.0.1 by default). */
  readonly address: { readonly address: string; readonly port: number };
  /**
   * Graceful stop: stop taking HTTP requests, bus messages and timer ticks, let in-flight work
   * finish (up to `graceMs`), then close every connection.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Runs every function of the catalogue in this process, as `func start` would: HTTP functions on
 * a local server, bus-triggered ones fed by the configured bus, timers on their schedules.
 */
export async function startEmbeddedHost(options: {
  readonly app: AppContext;
  readonly definitions: readonly FunctionDefinition[];
  readonly port: number;
  readonly host?: string;
  readonly extraRoutes?: readonly ExtraRoute[];
  readonly timeouts?: HttpTimeouts;
  /** Tests turn timers off to keep runs deterministic. */
  readonly timers?: boolean;
}): Promise<EmbeddedHost> {
  const { app, definitions } = options;
  const http = definitions.filter((d): d is HttpFunctionDefinition => d.kind === 'http');
  const bus = definitions.filter((d): d is BusFunctionDefinition => d.kind === 'serviceBusQueue' || d.kind === 'serviceBusTopic');
  const timerDefs = definitions.filter((d): d is TimerFunctionDefinition => d.kind === 'timer');

  const server = await startHttpServer({
    app,
    definitions: http,
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.extraRoutes === undefined ? {} : { extraRoutes: options.extraRoutes }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });
  const consumers = startBusConsumers({ app, definitions: bus });
  const timers = startTimers({ app, definitions: options.timers === false ? [] : timerDefs });

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    address: server.address,
    stop: (graceMs) =>
      (stopping ??= (async () => {
        await Promise.all([server.stop(graceMs), consumers.close(), timers.close()]);
        await app.close();
      })()),
  };
}
