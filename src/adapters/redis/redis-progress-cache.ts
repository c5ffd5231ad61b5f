import type { Redis } from 'ioredis';
import type { PlayerProgress, ProgressCache } from '../../core/progression/ports.js';
import { redisCall } from './redis-errors.js';

/**
 * Progress read cache: `<prefix>progress:{<playerId>}:<season>` holds the row as JSON. Writers
 * delete after every committed batch (never set), so a reader can only repopulate it from the
 * committed row; the TTL bounds what a reader racing a writer could leave behind.
 */
export function createRedisProgressCache(options: { readonly client: Redis; readonly ttlS?: number; readonly prefix?: string }): ProgressCache {
  const { client } = options;
  const ttlS = options.ttlS ?? 60;
  const keyOf = (k: { playerId: string; season: number }): string => `${options.prefix ?? 'liveops:'}progress:{${k.playerId}}:${k.season}`;
  return {
    get: (key) =>
      redisCall(async () => {
        const json = await client.get(keyOf(key));
        return json === null ? undefined : (JSON.parse(json) as PlayerProgress);
      }),
    set: (progress) =>
      redisCall(async () => {
        await client.set(keyOf(progress), JSON.stringify(progress), 'EX', ttlS);
      }),
    invalidate: (keys) =>
      redisCall(async () => {
        // One DEL per key: the keys live in different hash slots (one per player).
        await Promise.all(keys.map((k) => client.del(keyOf(k))));
      }),
  };
}
