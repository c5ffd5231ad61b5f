import { createRedisFairnessStore } from '../../src/adapters/redis/redis-fairness-store.js';
import { CONTRACT_RETENTION, fairnessStoreContract } from '../contract/fairness-store.contract.js';
import { redisTestPrefixes } from '../support/redis-prefixes.js';
import { integrationSuite } from '../support/services.js';

integrationSuite('redis fairness store', ['redis'], (urls) => {
  const redis = redisTestPrefixes(urls.redis);
  fairnessStoreContract('redis', () => createRedisFairnessStore({ client: redis.client, retention: CONTRACT_RETENTION, prefix: redis.fresh() }));
});
