/**
 * `npm start`: the whole app in one process (DESIGN §5), like `func start` but needing nothing
 * installed. Exits non-zero with a one-line reason when a setting is invalid; on SIGTERM it stops
 * taking work, finishes what is in flight, closes connections and exits 0.
 */
import { createJsonLogger } from '../adapters/logging/json-logger.js';
import { createAppContext } from '../app/composition-root.js';
import { loadSettings } from '../app/load-settings.js';
import { describeParts } from '../app/parts.js';
import { checkSchema } from '../app/schema-check.js';
import { MigrationError } from '../adapters/mysql/migrations.js';
import { secretValuesOf } from '../core/config/secrets.js';
import { SettingsError } from '../core/config/settings-error.js';
import { functions } from '../functions/catalog.js';
import { startEmbeddedHost } from './embedded-host.js';
import { embeddedDeadLetterFunctions } from './dead-letter-admin.js';
import { hostRoutes } from './host-routes.js';

async function main(): Promise<void> {
  const settings = await loadSettings(process.env);
  const logger = createJsonLogger({ level: settings.logLevel, secrets: secretValuesOf(settings), fields: { service: 'liveops' } });
  const app = createAppContext({ settings, logger });
  await checkSchema(app);

  const host = await startEmbeddedHost({ app, definitions: [...functions, ...embeddedDeadLetterFunctions], port: settings.port, host: settings.listenAddress, extraRoutes: hostRoutes(app) });
  logger.info(`http: embedded host on ${host.url}/api, listening on ${settings.listenAddress}`, { part: 'http', mode: 'embedded' });
  for (const p of describeParts(settings)) logger.info(`${p.part}: ${p.mode}, ${p.detail}`, { part: p.part, mode: p.mode });

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    logger.info('shutting down', { signal, graceS: settings.shutdownGraceS });
    host.stop(settings.shutdownGraceS * 1000).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { err: error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  // A settings problem is the operator's to fix: say which setting and why, without a stack.
  const message =
    error instanceof SettingsError ? `invalid settings:\n${error.message}` : error instanceof MigrationError ? error.message : `start-up failed: ${describe(error)}`;
  process.stderr.write(`liveops: ${message}\n`);
  process.exit(1);
});

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
