import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { createRedisLeaderboardStore } from '../../src/adapters/redis/redis-leaderboard-store.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import { DEDUP_HORIZON_MS, type BoardKey, type Expiry, type ScoreUpdate } from '../../src/core/leaderboard/ports.js';
import { leaderboardStoreContract } from '../contract/leaderboard-store.contract.js';
import { redisTestPrefixes } from '../support/redis-prefixes.js';
import { integrationSuite, recordingLogger } from '../support/services.js';

integrationSuite('redis leaderboard store', ['redis'], (urls) => {
  const redis = redisTestPrefixes(urls.redis);
  leaderboardStoreContract('redis', () => createRedisLeaderboardStore({ client: redis.client, prefix: redis.fresh() }));

  /** The hash tag Redis Cluster hashes: the text between the first `{` and the next `}`. */
  const hashTag = (key: string): string => key.slice(key.indexOf('{') + 1, key.indexOf('}', key.indexOf('{')));
  const update = (key: BoardKey, expiry: Expiry): ScoreUpdate => ({ key, eventId: randomUUID(), playerId: 'p_1', operator: 'incr', order: 'desc', value: 5, tie: 0, tieBits: 17, maxScore: 1000, expiry });

  it('keeps every key of a board period in one hash slot (one script, Cluster-safe), and each key expires after its retention', async () => {
    const prefix = redis.fresh();
    const store = createRedisLeaderboardStore({ client: redis.client, prefix });
    const nowMs = Date.now();
    const daily: BoardKey = { board: 'points', window: 'daily', period: '2026-12-02' };
    const seasonal: BoardKey = { board: 'points', window: 'seasonal', period: 'S1' };
    const atMs = nowMs + 3_600_000;
    const afterMs = 7_200_000;
    await store.apply({ updates: [update(daily, { atMs }), update(seasonal, { afterMs })], nowMs });
    await store.close({ key: daily, expiry: { atMs }, nowMs });

    const keys = (await redis.client.keys(`${prefix}*`)).sort();
    expect(keys.map(hashTag)).toEqual(['points:daily:2026-12-02', 'points:daily:2026-12-02', 'points:daily:2026-12-02', 'points:seasonal:S1', 'points:seasonal:S1']);
    const ttl = async (suffix: string): Promise<number> => redis.client.pttl(`${prefix}lb:${suffix}`);
    // Expiry instants, read back a moment later: each within a minute below what was set, never above.
    const within = (actual: number, expected: number): void => {
      expect(actual).toBeLessThanOrEqual(expected);
      expect(actual).toBeGreaterThan(expected - 60_000);
    };
    within(await ttl('{points:daily:2026-12-02}'), atMs - nowMs);
    within(await ttl('{points:daily:2026-12-02}:closed'), atMs - nowMs);
    within(await ttl('{points:daily:2026-12-02}:ids'), DEDUP_HORIZON_MS);
    within(await ttl('{points:seasonal:S1}'), afterMs);
    within(await ttl('{points:seasonal:S1}:ids'), DEDUP_HORIZON_MS);
  });
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
