import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

/**
 * For Redis contract suites: one client, and a fresh key prefix per store under test so tests
 * never see each other's keys. After the suite only this run's prefixes are deleted (another run
 * may share the Redis), then the client is closed. Call inside the suite's describe block.
 */
export function redisTestPrefixes(url: string): { readonly client: Redis; fresh(): string } {
  const client = new Redis(url);
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
    }
    await client.quit();
  });
  return {
    client,
    fresh: () => {
      const prefix = `liveops-test:${randomBytes(6).toString('hex')}:`;
      prefixes.push(prefix);
      return prefix;
    },
  };
}
