import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { createRedisIdempotencyStore } from '../../src/adapters/redis/redis-idempotency-store.js';
import { createRedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { createRedisSanctionStore } from '../../src/adapters/redis/redis-sanction-store.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import { gatewayStoresContract } from '../contract/gateway-stores.contract.js';
import { integrationSuite, recordingLogger } from '../support/services.js';

integrationSuite('redis gateway stores', ['redis'], (urls) => {
  const made: { client: Redis; prefix: string }[] = [];
  afterAll(async () => {
    // Only this run's keys: another run may share the Redis.
    for (const { client, prefix } of made) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
  });
  // A fresh prefix per store set, so tests never see each other's keys.
  gatewayStoresContract('redis', () => {
    const client = new Redis(urls.redis);
    const prefix = `liveops-test:${randomBytes(6).toString('hex')}:`;
    made.push({ client, prefix });
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
