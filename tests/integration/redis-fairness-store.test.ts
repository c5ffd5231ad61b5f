import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createRedisFairnessStore } from '../../src/adapters/redis/redis-fairness-store.js';
import { CONTRACT_RETENTION, fairnessStoreContract } from '../contract/fairness-store.contract.js';
import { integrationSuite } from '../support/services.js';

integrationSuite('redis fairness store', ['redis'], (urls) => {
  const client = new Redis(urls.redis);
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
    }
    await client.quit();
  });
  fairnessStoreContract('redis', () => {
    const prefix = `liveops-test:${randomBytes(6).toString('hex')}:`;
    prefixes.push(prefix);
    return createRedisFairnessStore({ client, retention: CONTRACT_RETENTION, prefix });
  });
});
