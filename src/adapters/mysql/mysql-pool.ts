import { withTimeout } from '../timeout.js';
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { type Dependency } from '../../core/health/dependency.js';
import { type Logger } from '../../core/logging/logger.js';

export interface MysqlPoolOptions {
  /** `mysql://user:password@host:3306/database[?ssl={…}]`. Never logged: it holds the password. */
  readonly url: string;
  readonly logger: Logger;
  /** Upper bound on open connections per worker process. Default 10. */
  readonly connectionLimit?: number;
  /** How long `ping()` may take before rejecting. Default 2000 ms. */
  readonly pingTimeoutMs?: number;
}

export interface MysqlPool {
  readonly pool: Pool;
  readonly dependency: Dependency;
}

/**
 * Settings the application relies on; a `?key=value` in MYSQL_URL cannot override them (mysql2
 * would otherwise let the URL switch on `multipleStatements`, widening any SQL injection).
 */
const ENFORCED: PoolOptions = {
  connectTimeout: 3_000,
  waitForConnections: true,
  // Requests beyond this many waiting for a connection fail at once instead of queueing forever.
  queueLimit: 500,
  enableKeepAlive: true,
  keepAliveInitialDelay: 10_000,
  multipleStatements: false,
  charset: 'utf8mb4',
  // BIGINT/DECIMAL always come back as strings: ids, totals and currency amounts stay exact
  // (a JS number silently rounds above 2^53) and the type does not flip with the value's size.
  supportBigNumbers: true,
  bigNumberStrings: true,
  // DATETIME/TIMESTAMP come back exactly as stored ('2026-11-25 10:00:00.000', UTC by the session
  // setting below) instead of being reinterpreted in the Node process's local time zone.
  dateStrings: true,
  // JS Date parameters are written as UTC.
  timezone: 'Z',
};

/** A bounded mysql2 connection pool and its readiness/shutdown handle. */
export function createMysqlPool(options: MysqlPoolOptions): MysqlPool {
  const logger = options.logger.child({ dependency: 'mysql' });
  const pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
  const connectionLimit = options.connectionLimit ?? 10;

  const pool = createPool({
    ...connectionOptionsFromUrl(options.url),
    ...ENFORCED,
    connectionLimit,
  });

  // Every session runs in UTC so NOW(3), UTC_TIMESTAMP(3) and TIMESTAMP columns agree with the
  // UTC strings the app writes. Queued on the new connection before the caller's first query.
  pool.pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'", (error: unknown) => {
      if (error !== null && error !== undefined) {
        logger.error('mysql session setup failed', { error: errorMessage(error) });
      }
    });
    // An idle pooled connection that breaks (server restart) emits 'error'; mysql2 drops it from
    // the pool, this listener only records it and keeps the event from going unhandled.
    connection.on('error', (error: unknown) => {
      logger.warn('mysql connection error', { code: errorCode(error), error: errorMessage(error) });
    });
  });

  let closing: Promise<void> | undefined;

  const dependency: Dependency = {
    name: 'mysql',
    mode: 'real',
    async ping() {
      // The query timeout covers a stuck server; the outer one covers waiting for a connection.
      await withTimeout(
        pool.query({ sql: 'SELECT 1', timeout: pingTimeoutMs }),
        pingTimeoutMs,
        `mysql ping timed out after ${pingTimeoutMs} ms`,
      );
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
  return { pool, dependency };
}

/** Host, port, credentials, database and extra driver options (e.g. `ssl`) from a mysql:// URL. */
function connectionOptionsFromUrl(url: string): PoolOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not chaining the cause: Node's URL error carries the input, password included.
    throw new Error('MYSQL_URL is not a valid URL (expected mysql://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`MYSQL_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of parsed.searchParams) {
    options[key] = parseParam(value);
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return {
    ...options,
    host: decodeURIComponent(host),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
  };
}

/** Query values may be JSON (`ssl={"rejectUnauthorized":true}`) or plain text. */
function parseParam(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch (error: unknown) {
    // Not JSON: the option is a plain string (`?timezone=Z`).
    if (error instanceof SyntaxError) return value;
    throw error;
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'UNKNOWN';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
