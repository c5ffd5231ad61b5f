import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBus, defaultTopology } from '../adapters/memory/memory-bus.js';
import { createMysqlPool } from '../adapters/mysql/mysql-pool.js';
import { createRedisConnection } from '../adapters/redis/redis-connection.js';
import { createServiceBusBus } from '../adapters/servicebus/service-bus.js';
import { createTableStorage } from '../adapters/tables/table-storage.js';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Settings } from '../core/config/types.js';
import type { Dependency } from '../core/health/dependency.js';
import type { Logger } from '../core/logging/logger.js';
import type { AppBus, AppContext, FairnessStores, GatewayStores } from './app-context.js';
import { MemoryFairnessAudit } from '../adapters/memory/memory-fairness-audit.js';
import { MemoryFairnessStore } from '../adapters/memory/memory-fairness-store.js';
import { createRedisFairnessStore } from '../adapters/redis/redis-fairness-store.js';
import { createTableFairnessAudit } from '../adapters/tables/table-fairness-audit.js';
import { fairnessRetention } from '../core/fairness/retention.js';
import { MemoryProgressRepository } from '../adapters/memory/memory-progress-repository.js';
import { MemoryReceiptRepository } from '../adapters/memory/memory-receipt-repository.js';
import { createMysqlProgressRepository } from '../adapters/mysql/mysql-progress-repository.js';
import { createMysqlReceiptRepository } from '../adapters/mysql/mysql-receipt-repository.js';
import { createRedisProgressCache } from '../adapters/redis/redis-progress-cache.js';
import { Progression } from '../core/progression/progression.js';
import { createLeaderboardParts, type LeaderboardParts } from './leaderboard-parts.js';
import { MemoryIdempotencyStore } from '../adapters/memory/memory-idempotency-store.js';
import { MemoryRateLimiter } from '../adapters/memory/memory-rate-limiter.js';
import { MemorySanctionStore } from '../adapters/memory/memory-sanction-store.js';
import { createRedisIdempotencyStore } from '../adapters/redis/redis-idempotency-store.js';
import { createRedisRateLimiter } from '../adapters/redis/redis-rate-limiter.js';
import { createRedisSanctionStore } from '../adapters/redis/redis-sanction-store.js';
import { lazy, type Lazy } from './lazy.js';
import { StaffTokens } from '../core/auth/staff-tokens.js';
import { PlayerTokens } from '../core/auth/player-tokens.js';
import { createRemoteJwks } from '../adapters/auth/remote-jwks.js';

export interface CompositionOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Waits on the clock of `now`; default a real timer. Tests pin it together with `now`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Tests and benchmarks: leaderboard parts to use instead of building them (a key prefix, a fake). */
  readonly leaderboardParts?: (app: AppContext) => Partial<LeaderboardParts>;
}

/**
 * The composition root: the one place that turns settings into adapters. In-memory parts are
 * the default; each setting that names a real service switches that part to its real adapter.
 * Connections open lazily, on first use, so a worker that only serves `/api/healthz` never
 * dials MySQL.
 */
export function createAppContext(options: CompositionOptions): AppContext {
  const { settings, logger } = options;
  const log = (name: string): Logger => logger.child({ component: name });

  const redisConfig = settings.redis;
  const redis = redisConfig ? lazy(() => createRedisConnection({ url: redisConfig.url, logger: log('redis') })) : undefined;
  const mysqlConfig = settings.mysql;
  const mysql = mysqlConfig ? lazy(() => createMysqlPool({ url: mysqlConfig.url, logger: log('mysql') })) : undefined;
  const tablesConfig = settings.tables;
  const tables = tablesConfig ? lazy(() => createTableStorage(tablesConfig, { logger: log('tables') })) : undefined;
  const bus = lazy(() => createBus(settings, log('bus')));
  const stores = lazy((): GatewayStores => {
    if (!redis) return { idempotency: new MemoryIdempotencyStore(), rateLimiter: new MemoryRateLimiter(), sanctions: new MemorySanctionStore() };
    const { client } = redis.get();
    return {
      idempotency: createRedisIdempotencyStore({ client }),
      rateLimiter: createRedisRateLimiter({ client }),
      sanctions: createRedisSanctionStore({ client }),
    };
  });

  const fairness = lazy((): FairnessStores => {
    const retention = fairnessRetention(settings);
    return {
      store: redis ? createRedisFairnessStore({ client: redis.get().client, retention }) : new MemoryFairnessStore(retention),
      audit: tables ? createTableFairnessAudit({ tables: tables.get() }) : new MemoryFairnessAudit(),
    };
  });

  const progression = lazy(
    () =>
      new Progression({
        progress: mysql ? createMysqlProgressRepository({ pool: mysql.get().pool, logger }) : new MemoryProgressRepository(),
        receipts: mysql ? createMysqlReceiptRepository({ pool: mysql.get().pool }) : new MemoryReceiptRepository(),
        sanctions: stores.get().sanctions,
        cache: redis ? createRedisProgressCache({ client: redis.get().client }) : undefined,
        settings: settings.progression,
        receiptKeys: settings.receipts.keys,
        activeKid: settings.receipts.activeKid,
        logger: log('progression'),
        now: options.now ?? Date.now,
      }),
  );

  // One JWKS cache per process, for the players' tokens and the staff's from the same IdP.
  const jwks = lazy(() => {
    const { external } = settings.playerTokens;
    return external === undefined ? undefined : createRemoteJwks({ url: external.jwksUrl, logger: log('player-token-jwks') });
  });
  // One verifier per process, so the verified-token cache and the JWKS cache serve every route.
  const playerTokens = lazy(() => {
    const { own, external } = settings.playerTokens;
    const keys = jwks.get();
    return new PlayerTokens({
      ...(own === undefined ? {} : { own }),
      ...(external === undefined || keys === undefined ? {} : { external: { ...external, keys } }),
    });
  });
  const staffTokens = lazy(() => {
    const { idp } = settings.staffTokens;
    const { external } = settings.playerTokens;
    const keys = jwks.get();
    return new StaffTokens({
      ring: { keys: settings.signing.hmacKeys, adminKeyIds: settings.signing.adminKeyIds },
      ...(idp === undefined || external === undefined || keys === undefined ? {} : { idp: { ...idp, keys, issuer: external.issuer } }),
    });
  });

  const dependencies: Dependency[] = [busDependency(settings, bus)];
  if (redis) dependencies.push(lazyDependency({ name: 'redis', target: redis }));
  if (mysql) dependencies.push(lazyDependency({ name: 'mysql', target: mysql }));
  if (tables) dependencies.push(lazyDependency({ name: 'tables', target: tables }));

  // One registry per AppContext (not prom-client's global one) so tests and workers never share counters.
  const metrics = new Registry();
  metrics.setDefaultLabels({ service: 'liveops' });
  collectDefaultMetrics({ register: metrics, prefix: 'liveops_' });

  let closing: Promise<void> | undefined;
  const context: AppContext = {
    settings,
    logger,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms: number) => sleep(ms).then(() => undefined)),
    get bus() {
      return bus.get().bus;
    },
    get redis() {
      return redis?.get().client;
    },
    get mysql() {
      return mysql?.get().pool;
    },
    get tables() {
      return tables?.get();
    },
    get stores() {
      return stores.get();
    },
    get fairness() {
      return fairness.get();
    },
    get progression() {
      return progression.get();
    },
    get grants() {
      return progression.get();
    },
    get leaderboards() {
      return leaderboards.get();
    },
    get playerTokens() {
      return playerTokens.get();
    },
    get staffTokens() {
      return staffTokens.get();
    },
    metrics,
    dependencies,
    close: () =>
      (closing ??= (async () => {
        // The bus first, so no message arrives while the stores it would write to are closing.
        for (const dependency of dependencies) {
          try {
            await dependency.close();
          } catch (error: unknown) {
            logger.warn('closing a dependency failed', { dependency: dependency.name, err: error });
          }
        }
      })()),
  };
  const leaderboards = lazy(() => createLeaderboardParts(context, options.leaderboardParts?.(context)));
  return context;
}

interface BusParts {
  readonly bus: AppBus;
  readonly dependency: Dependency;
}

function createBus(settings: Settings, logger: Logger): BusParts {
  const b = settings.bus;
  if (b.kind === 'memory') {
    const bus = new MemoryBus({ topology: defaultTopology(b) });
    return {
      bus,
      dependency: { name: 'bus', mode: 'embedded', ping: () => Promise.resolve(), close: () => Promise.resolve() },
    };
  }
  const connection = b.connectionString
    ? { connectionString: b.connectionString }
    : { namespace: b.namespace ?? '' };
  const bus = createServiceBusBus({ ...connection, logger, probeQueue: b.ingressQueue });
  return { bus, dependency: { name: 'bus', mode: 'real', ping: () => bus.ping(), close: () => bus.close() } };
}

function busDependency(settings: Settings, bus: Lazy<BusParts>): Dependency {
  return {
    name: 'bus',
    mode: settings.bus.kind === 'memory' ? 'embedded' : 'real',
    ping: () => bus.get().dependency.ping(),
    close: () => bus.peek()?.dependency.close() ?? Promise.resolve(),
  };
}

/** Pinging connects on first use; closing never connects just to close. */
function lazyDependency(options: { name: string; target: Lazy<{ dependency: Dependency }> }): Dependency {
  return {
    name: options.name,
    mode: 'real',
    ping: () => options.target.get().dependency.ping(),
    close: () => options.target.peek()?.dependency.close() ?? Promise.resolve(),
  };
}
