import { createJsonLogger } from '../adapters/logging/json-logger.js';
import { secretValuesOf } from '../core/config/secrets.js';
import type { AppContext } from './app-context.js';
import { createAppContext } from './composition-root.js';
import { loadSettings } from './load-settings.js';
import { checkSchema } from './schema-check.js';

/**
 * The worker process's single AppContext under the Functions host: settings are validated once
 * at cold start (the appStart hook awaits this) and the adapters are built once per process.
 * This is the only module-level mutable state in the app, by design of the composition root.
 */
let current: Promise<AppContext> | undefined;

export function getAppContext(): Promise<AppContext> {
  return (current ??= bootAppContext());
}

export async function closeAppContext(): Promise<void> {
  const app = current;
  current = undefined;
  if (app) await (await app).close();
}

export async function bootAppContext(env: Readonly<Record<string, string | undefined>> = process.env): Promise<AppContext> {
  const settings = await loadSettings(env);
  const logger = createJsonLogger({ level: settings.logLevel, secrets: secretValuesOf(settings) });
  const app = createAppContext({ settings, logger });
  await checkSchema(app);
  return app;
}
