import { createJsonLogger } from '../adapters/logging/json-logger.js';
import { secretValuesOf } from '../core/config/secrets.js';
import type { AppContext } from './app-context.js';
import { createAppContext } from './composition-root.js';
import { loadSettings } from './load-settings.js';
import { checkSchema } from './schema-check.js';
import { startWorkerTelemetry, type WorkerTelemetry } from './worker-telemetry.js';

interface Worker {
  readonly app: AppContext;
  readonly telemetry: WorkerTelemetry;
}

/**
 * The worker process's single AppContext under the Functions host: settings are validated once
 * at cold start (the appStart hook awaits this), the adapters are built once per process, and the
 * worker's telemetry (Application Insights, the metrics push to the pod's sidecar) starts with it.
 * This is the only module-level mutable state in the app, by design of the composition root.
 */
let current: Promise<Worker> | undefined;

export async function getAppContext(): Promise<AppContext> {
  return (await (current ??= bootWorker())).app;
}

/** Stops telemetry first (its final push must see the last counts), then closes the connections. */
export async function closeAppContext(): Promise<void> {
  const worker = current;
  current = undefined;
  if (worker === undefined) return;
  const { app, telemetry } = await worker;
  await telemetry.stop();
  await app.close();
}

async function bootWorker(): Promise<Worker> {
  const app = await bootAppContext();
  const { appInsightsConnectionString, metricsSidecarUrl } = app.settings.telemetry;
  const telemetry = await startWorkerTelemetry({ app, appInsightsConnectionString, metricsSidecarUrl });
  return { app, telemetry };
}

export async function bootAppContext(env: Readonly<Record<string, string | undefined>> = process.env): Promise<AppContext> {
  const settings = await loadSettings(env);
  const logger = createJsonLogger({ level: settings.logLevel, secrets: secretValuesOf(settings) });
  const app = createAppContext({ settings, logger });
  await checkSchema(app);
  return app;
}
