import { describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { createRedisLeaderboardStore } from '../../src/adapters/redis/redis-leaderboard-store.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import { leaderboardStoreContract } from '../contract/leaderboard-store.contract.js';
import { redisTestPrefixes } from '../support/redis-prefixes.js';
import { integrationSuite, recordingLogger } from '../support/services.js';

integrationSuite('redis leaderboard store', ['redis'], (urls) => {
  const redis = redisTestPrefixes(urls.redis);
  leaderboardStoreContract('redis', () => createRedisLeaderboardStore({ client: redis.client, prefix: redis.fresh() }));
});

describe('redis leaderboard store when Redis is down', () => {
  it('rejects every operation with DependencyUnavailableError instead of hanging (a 503, and a retry for the consumer)', async () => {
    const { client, dependency } = createRedisConnection({ url: 'redis://127.0.0.1:1', logger: recordingLogger().logger });
    try {
      const store = createRedisLeaderboardStore({ client });
      const key = { board: 'points', window: 'daily' as const, period: '2026-11-25' };
      const nowMs = Date.now();
      const calls = [
        store.apply({ updates: [{ key, eventId: 'e', playerId: 'p_1', operator: 'incr', order: 'desc', value: 1, tie: 0, tieBits: 17, maxScore: 1000, expiry: undefined }], nowMs }),
        store.range({ key, order: 'desc', offset: 0, limit: 10, nowMs }),
        store.around({ key, order: 'desc', playerId: 'p_1', around: 1, nowMs }),
        store.close({ key, expiry: undefined, nowMs }),
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
