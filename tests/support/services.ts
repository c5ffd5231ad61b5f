/**
 * Real services for integration tests. Policy: a suite whose service is unreachable FAILS with
 * the command that starts it. Only a developer (never CI) may opt out with
 * LIVEOPS_SKIP_INTEGRATION=1, and then the suite is reported as skipped, not as passed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { beforeAll, describe } from 'vitest';
import { type LogFields, type Logger } from '../../src/core/logging/logger.js';

export type ServiceName = 'redis' | 'mysql';
export interface ServiceUrls {
  readonly redis: string;
  readonly mysql: string;
}

const REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';
const MYSQL_START = 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd';
const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function redisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
}

export function mysqlUrl(): string {
  return process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
}

/** Resolves to the Redis URL when it answers PING; otherwise rejects saying how to start it. */
export async function requireRedis(): Promise<string> {
  const url = redisUrl();
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // the failure surfaces through connect() below
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch (error: unknown) {
    throw unreachable({ service: 'Redis', envVar: 'TEST_REDIS_URL', start: REDIS_START, error });
  } finally {
    client.disconnect();
  }
}

/** Resolves to the MySQL URL when `SELECT 1` works; otherwise rejects saying how to start it. */
export async function requireMysql(): Promise<string> {
  const url = mysqlUrl();
  try {
    const conn = await createConnection({ uri: url, connectTimeout: 1_500 });
    try {
      await conn.query('SELECT 1');
    } finally {
      await conn.end();
    }
    return url;
  } catch (error: unknown) {
    throw unreachable({ service: 'MySQL/MariaDB', envVar: 'TEST_MYSQL_URL', start: MYSQL_START, error });
  }
}

function unreachable(args: { service: string; envVar: string; start: string; error: unknown }): Error {
  const reason = args.error instanceof Error ? args.error.message : String(args.error);
  return new Error(
    `${args.service} is not reachable (${reason}). Start it with:\n  ${args.start}\n` +
      `or point ${args.envVar} at a running server. Locally (never on CI) LIVEOPS_SKIP_INTEGRATION=1 ` +
      'reports these suites as skipped instead.',
  );
}

export function skipAllowed(): boolean {
  return process.env.LIVEOPS_SKIP_INTEGRATION === '1' && !process.env.CI;
}

/**
 * `describe` for suites that need real services. Reachability is checked while collecting:
 * reachable → the suite runs; unreachable → it fails with the start command, or is reported as
 * skipped when skipping is allowed.
 */
export function integrationSuite(name: string, needs: readonly ServiceName[], fn: (urls: ServiceUrls) => void): void {
  describe(name, async () => {
    const checks = needs.map((service) => (service === 'redis' ? requireRedis() : requireMysql()));
    const problems = (await Promise.allSettled(checks)).flatMap((result) =>
      result.status === 'rejected' ? [result.reason instanceof Error ? result.reason.message : String(result.reason)] : [],
    );
    const urls: ServiceUrls = { redis: redisUrl(), mysql: mysqlUrl() };
    if (problems.length > 0 && skipAllowed()) {
      describe.skip(`skipped: ${needs.join(', ')} unreachable and LIVEOPS_SKIP_INTEGRATION=1`, () => {
        fn(urls);
      });
      return;
    }
    if (problems.length > 0) {
      beforeAll(() => {
        throw new Error(problems.join('\n'));
      });
    }
    fn(urls);
  });
}

export interface TestDatabase {
  readonly name: string;
  /** The base URL with this database as its path. */
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty `liveops_test_<random>` database, so tests never see each other's tables. */
export async function createTestDatabase(baseUrl: string = mysqlUrl()): Promise<TestDatabase> {
  const name = `liveops_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const conn = await createConnection({ uri: baseUrl, connectTimeout: 3_000 });
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}

export interface Azurite {
  readonly connectionString: string;
  stop(): Promise<void>;
}

const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Starts a private in-memory Azurite Table service on a free port. */
export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const location = await mkdtemp(path.join(tmpdir(), 'liveops-azurite-'));
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'azurite-table');
  const child = spawn(
    bin,
    ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--silent',
      '--skipApiVersionCheck', '--disableProductStyleUrl', '--disableTelemetry', '--location', location],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    }
    await rm(location, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  while (!(await portOpen(port))) {
    if (spawnError !== undefined || child.exitCode !== null || Date.now() > deadline) {
      await stop();
      const why = spawnError?.message ?? (child.exitCode !== null ? `exited with ${child.exitCode}` : 'timed out');
      throw new Error(`Azurite (${bin}) did not start: ${why}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_ACCOUNT_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
  return { connectionString, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

/** A Logger that keeps its lines in memory, for assertions (and to keep test output quiet). */
export function recordingLogger(): { logger: Logger; lines: { level: string; message: string; fields: LogFields }[] } {
  const lines: { level: string; message: string; fields: LogFields }[] = [];
  const make = (bound: LogFields): Logger => {
    const at = (level: string) => (message: string, fields?: LogFields): void => {
      lines.push({ level, message, fields: { ...bound, ...fields } });
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (f) => make({ ...bound, ...f }) };
  };
  return { logger: make({}), lines };
}
