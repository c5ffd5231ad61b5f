import { describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { createRedisIdempotencyStore } from '../../src/adapters/redis/redis-idempotency-store.js';
import { createRedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { createRedisSanctionStore } from '../../src/adapters/redis/redis-sanction-store.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import { gatewayStoresContract } from '../contract/gateway-stores.contract.js';
import { redisTestPrefixes } from '../support/redis-prefixes.js';
import { integrationSuite, recordingLogger } from '../support/services.js';

integrationSuite('redis gateway stores', ['redis'], (urls) => {
  const redis = redisTestPrefixes(urls.redis);
  gatewayStoresContract('redis', () => {
    const { client } = redis;
    const prefix = redis.fresh();
    return {
      idempotency: createRedisIdempotencyStore({ client, prefix }),
      rateLimiter: createRedisRateLimiter({ client, prefix }),
      sanctions: createRedisSanctionStore({ client, prefix }),
    };
  });
});

describe('redis gateway stores when Redis is down', () => {
  it('reject with DependencyUnavailableError quickly instead of hanging', async () => {
    const { client, dependency } = createRedisConnection({ url: 'redis://127.0.0.1:1', logger: recordingLogger().logger });
    try {
      const nowMs = Date.now();
      const calls = [
        createRedisIdempotencyStore({ client }).begin({ key: 'k', fingerprint: 'f', inFlightTtlMs: 1_000, nowMs }),
        createRedisRateLimiter({ client }).take({ key: 'k', ratePerSec: 1, burst: 1, cost: 1, nowMs }),
        createRedisSanctionStore({ client }).activeSanction({ playerId: 'p', nowMs }),
      ];
      for (const result of await Promise.allSettled(calls)) {
        expect(result.status).toBe('rejected');
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DependencyUnavailableError);
      }
    } finally {
      await dependency.close();
    }
  });
});
