import { Redis } from 'ioredis';
import { openHttpGetPool } from './load/http-get.js';
import type { ClientFactory, LoadClient } from './load/protocol.js';

/**
 * The clients of the leaderboard read benchmarks, built inside a load worker (bench/load/). They
 * import nothing from the app: a client knows only the wire.
 */

export interface HttpGetOptions {
  readonly port: number;
  /** The request path; `{player}` is replaced by `player_<n>`, n random below `players`. */
  readonly path: string;
  readonly players?: number;
}

export interface RedisReadOptions {
  readonly url: string;
  readonly key: string;
  /** For `aroundRedis`: players are `player_<n>`, n random below this. */
  readonly players?: number;
}

const randomPlayer = (players: number): string => `player_${Math.floor(Math.random() * players)}`;

/**
 * GET over keep-alive sockets (one per connection) with the minimal client of bench/load/http-get.ts,
 * decoding the body as a real client would before parsing; anything but a 200 with a body fails the run.
 */
export const httpGet: ClientFactory = async ({ options, connections }): Promise<LoadClient> => {
  const { port, path, players = 1 } = options as HttpGetOptions;
  const pool = await openHttpGetPool({ host: '127.0.0.1', port, connections });
  return {
    call: async () => {
      const target = path.replace('{player}', randomPlayer(players));
      const response = await pool.get(target);
      if (response.status !== 200 || response.body.toString('utf8').length === 0) throw new Error(`GET ${target}: HTTP ${response.status}`);
    },
    close: () => { pool.close(); return Promise.resolve(); },
  };
};

/** Round-robin over `connections` Redis connections, so N calls in flight use N connections. */
async function redisPool(url: string, connections: number): Promise<{ next: () => Redis; close: () => Promise<void> }> {
  const clients = Array.from({ length: connections }, () => new Redis(url));
  await Promise.all(clients.map((c) => c.ping()));
  let turn = 0;
  return {
    next: () => {
      const client = clients[turn % clients.length];
      turn += 1;
      if (client === undefined) throw new Error('no Redis connection');
      return client;
    },
    close: async () => { await Promise.all(clients.map((c) => c.quit())); },
  };
}

/** The least Redis work for a top-100 page: ZREVRANGE 0 99 WITHSCORES. */
export const topRedis: ClientFactory = async ({ options, connections }): Promise<LoadClient> => {
  const { url, key } = options as RedisReadOptions;
  const pool = await redisPool(url, connections);
  return { call: async () => { await pool.next().zrevrange(key, 0, 99, 'WITHSCORES'); }, close: pool.close };
};

/** The least Redis work for a player's rank with ±5 neighbours: ZREVRANK, then ZREVRANGE (two round trips). */
export const aroundRedis: ClientFactory = async ({ options, connections }): Promise<LoadClient> => {
  const { url, key, players = 1 } = options as RedisReadOptions;
  const pool = await redisPool(url, connections);
  return {
    call: async () => {
      const client = pool.next();
      const rank = (await client.zrevrank(key, randomPlayer(players))) ?? 0;
      await client.zrevrange(key, Math.max(0, rank - 5), rank + 5, 'WITHSCORES');
    },
    close: pool.close,
  };
};
