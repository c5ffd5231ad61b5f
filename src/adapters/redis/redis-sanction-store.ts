import type { Redis } from 'ioredis';
import type { Sanction, SanctionStore } from '../../core/ingestion/ports.js';
import { redisCall } from './redis-errors.js';

/**
 * Player blocks: `<prefix>sanction:{<playerId>}` holds JSON `{u: blockedUntilMs, r: reason}` and
 * expires when the block ends. Fairness (automatic blocks) and the admin routes write through
 * this same store; the gateway reads it on every event. A longer existing block is never
 * shortened by a later, shorter one (one script, so two writers cannot race).
 */
const BLOCK = `
local now = tonumber(ARGV[1])
local untilMs = tonumber(ARGV[2])
if untilMs <= now then return 0 end
local v = redis.call('GET', KEYS[1])
if v then
  local current = cjson.decode(v)
  if tonumber(current.u) >= untilMs then return 0 end
end
redis.call('SET', KEYS[1], cjson.encode({u = untilMs, r = ARGV[3]}), 'PX', untilMs - now)
return 1`;

interface Scripts {
  liveopsSanctionBlock(key: string, nowMs: string, untilMs: string, reason: string): Promise<unknown>;
}

export function createRedisSanctionStore(options: { readonly client: Redis; readonly prefix?: string }): SanctionStore {
  const { client } = options;
  const prefix = options.prefix ?? 'liveops:';
  client.defineCommand('liveopsSanctionBlock', { numberOfKeys: 1, lua: BLOCK });
  const scripts = client as unknown as Scripts;
  const keyOf = (playerId: string): string => `${prefix}sanction:{${playerId}}`;
  return {
    activeSanction: async ({ playerId, nowMs }) => {
      const value = await redisCall(() => client.get(keyOf(playerId)));
      if (value === null) return undefined;
      const parsed = JSON.parse(value) as { u: number; r: string };
      const sanction: Sanction = { blockedUntilMs: parsed.u, reason: parsed.r };
      return sanction.blockedUntilMs > nowMs ? sanction : undefined;
    },
    block: async ({ playerId, untilMs, reason, nowMs }) => {
      await redisCall(() => scripts.liveopsSanctionBlock(keyOf(playerId), String(nowMs), String(untilMs), reason));
    },
    unblock: async ({ playerId }) => {
      await redisCall(() => client.del(keyOf(playerId)));
    },
  };
}
