import { Redis } from 'ioredis';
import { type Dependency } from '../../core/health/dependency.js';
import { type Logger } from '../../core/logging/logger.js';
import { TimeoutError, withTimeout } from '../timeout.js';

export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port/db` or `rediss://…`. Never logged: it may hold the password. */
  readonly url: string;
  readonly logger: Logger;
  /** Dependency name in `/api/readyz` and logs, and the Redis `CLIENT SETNAME`. Default `redis`. */
  readonly name?: string;
  /** How long `ping()` (and `close()`'s QUIT) may take before rejecting. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** The same error code is logged at most once per this many ms. Default 30 000 ms. */
  readonly errorLogIntervalMs?: number;
}

export interface RedisConnection {
  readonly client: Redis;
  readonly dependency: Dependency;
}

/** Reconnect backoff: 100 ms, 200 ms, … capped so a recovered Redis is picked up within ~5 s. */
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * Opens one ioredis client tuned to fail fast. The offline queue stays on, so the first requests
 * of a cold worker wait for the connection instead of failing; but every command carries
 * `commandTimeout` (set before it is queued) and at most one reconnect attempt, so while Redis is
 * down a command rejects within the timeout instead of piling up and hanging a request. The
 * client keeps reconnecting in the background, so Redis coming back needs no restart.
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const name = options.name ?? 'redis';
  const timeoutMs = options.timeoutMs ?? 2_000;
  const logger = options.logger.child({ dependency: name });

  const client = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A command that gets no reply (half-open TCP, stuck server) must not hang a request.
    commandTimeout: timeoutMs,
    connectionName: `liveops:${name}`,
    // No enableAutoPipelining: with scripts (defineCommand) and a failed connection, ioredis 5's
    // auto-pipeline can leave callers' promises unsettled (a hang instead of a 503); a test with
    // Redis down catches it (tests/integration/redis-stores.test.ts).
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS),
  });

  attachErrorLogging({ client, logger, intervalMs: options.errorLogIntervalMs ?? 30_000 });

  let closing: Promise<void> | undefined;

  const dependency: Dependency = {
    name,
    mode: 'real',
    async ping() {
      await withTimeout(waitUntilReady(client), timeoutMs, `${name} ping timed out after ${timeoutMs} ms`);
      await client.ping();
    },
    close() {
      closing ??= quitOrDisconnect(client, timeoutMs);
      return closing;
    },
  };
  return { client, dependency };
}

/**
 * Logs connection errors without flooding: while Redis is down ioredis emits an error on every
 * reconnect attempt. The listener also keeps an `'error'` event from crashing the process.
 */
function attachErrorLogging(args: { client: Redis; logger: Logger; intervalMs: number }): void {
  const { client, logger, intervalMs } = args;
  const lastLoggedAt = new Map<string, number>();
  let degraded = false;

  client.on('error', (error: unknown) => {
    degraded = true;
    const code = errorCode(error);
    const now = Date.now();
    const last = lastLoggedAt.get(code);
    if (last !== undefined && now - last < intervalMs) return;
    lastLoggedAt.set(code, now);
    // The message names host:port at most (never the URL, which may carry the password).
    logger.warn('redis connection error', { code, error: errorMessage(error) });
  });
  client.on('ready', () => {
    if (!degraded) return;
    degraded = false;
    lastLoggedAt.clear();
    logger.info('redis connection restored');
  });
}

/** Resolves once the client is ready; rejects as soon as a connection attempt fails. */
function waitUntilReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end' || client.status === 'close' || client.status === 'reconnecting') {
    return Promise.reject(new Error(`redis is not connected (status ${client.status})`));
  }
  return new Promise<void>((resolve, reject) => {
    let lastError: unknown;
    const onError = (error: unknown): void => {
      lastError = error;
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error(`redis connection failed: ${lastError === undefined ? 'closed' : errorMessage(lastError)}`));
    };
    const cleanup = (): void => {
      client.off('error', onError);
      client.off('ready', onReady);
      client.off('close', onClose);
    };
    client.on('error', onError);
    client.once('ready', onReady);
    client.once('close', onClose);
  });
}

async function quitOrDisconnect(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    // QUIT needs a live connection. disconnect() also cancels a pending reconnect timer, so a
    // client that was 'reconnecting' stays idle (ioredis leaves its status as is) and dials no more.
    client.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => client.once('end', () => { resolve(); }));
  try {
    // QUIT's reply arrives before the socket closes; waiting for 'end' means nothing is left open.
    await withTimeout(Promise.all([client.quit(), ended]), timeoutMs, 'redis QUIT timed out');
  } catch (error: unknown) {
    // A lost or refused QUIT still has to end the socket and the reconnect timer.
    client.disconnect();
    if (!(error instanceof TimeoutError)) throw error;
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.name : 'UNKNOWN';
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Defensive: should a driver ever echo a connection URL, drop its credentials.
  return message.replace(/\b(rediss?:\/\/)[^@\s/]*@/gi, '$1***@');
}
