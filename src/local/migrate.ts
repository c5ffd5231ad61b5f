/**
 * `npm run migrate`: applies pending MySQL migrations from `migrations/mysql` to MYSQL_URL.
 * Exit code 0 when the schema is current afterwards, 1 on any problem (message only, no stack:
 * the messages are written to be read by an operator and never contain the connection URL).
 */
import { migrate, defaultMigrationsDir } from '../adapters/mysql/migrations.js';
import { createMysqlPool } from '../adapters/mysql/mysql-pool.js';
import { loadSettings } from '../app/load-settings.js';
import { SettingsError } from '../core/config/settings-error.js';
import { type LogFields, type Logger } from '../core/logging/logger.js';

/** How long to wait for open handles after finishing before exiting anyway. */
const EXIT_GRACE_MS = 5_000;

async function main(): Promise<number> {
  const logger = jsonLineLogger({ command: 'migrate' });

  let mysqlUrl: string | undefined;
  try {
    mysqlUrl = (await loadSettings()).mysql?.url;
  } catch (error: unknown) {
    const prefix = error instanceof SettingsError ? 'invalid settings' : 'loading settings failed';
    printError(`${prefix}: ${messageOf(error)}`);
    return 1;
  }
  if (mysqlUrl === undefined) {
    printError('MYSQL_URL is not set; set it to mysql://user:password@host:3306/database and run again.');
    return 1;
  }

  const dir = defaultMigrationsDir();
  // Migrations run one statement at a time on one connection; a second covers the lock wait.
  const { pool, dependency } = createMysqlPool({ url: mysqlUrl, logger, connectionLimit: 2 });
  try {
    const { applied } = await migrate({ pool, dir, logger });
    process.stdout.write(
      applied.length === 0
        ? `migrate: schema is up to date (${dir})\n`
        : `migrate: applied ${applied.length} migration(s): ${applied.join(', ')}\n`,
    );
    return 0;
  } catch (error: unknown) {
    printError(messageOf(error));
    return 1;
  } finally {
    await dependency.close();
  }
}

function printError(message: string): void {
  process.stderr.write(`migrate: ${message}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The smallest Logger that satisfies the port: one JSON object per line on stdout. */
function jsonLineLogger(bound: LogFields): Logger {
  const write = (level: string, message: string, fields?: LogFields): void => {
    const line = { level, time: new Date().toISOString(), message, ...bound, ...fields };
    process.stdout.write(`${JSON.stringify(line, errorsAsMessages)}\n`);
  };
  return {
    debug: () => undefined,
    info: (message, fields) => {
      write('info', message, fields);
    },
    warn: (message, fields) => {
      write('warn', message, fields);
    },
    error: (message, fields) => {
      write('error', message, fields);
    },
    child: (fields) => jsonLineLogger({ ...bound, ...fields }),
  };
}

/** `JSON.stringify` turns an Error into `{}`; keep its message, leave the stack out. */
function errorsAsMessages(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Should a client library keep a handle open, do not hang the deploy step that ran us.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    printError(messageOf(error));
    process.exit(1);
  },
);
