import type { Redis } from 'ioredis';
import type { RateDecision, RateLimiter } from '../../core/ingestion/ports.js';
import { redisCall } from './redis-errors.js';

/**
 * Token buckets in Redis: `<prefix>rl:{<key>}` is a hash {t: tokens, a: last step ms}. One Lua
 * script refills and takes atomically, with the arithmetic of `core/ingestion/token-bucket.ts`
 * (the memory twin); the contract suite keeps the two in step. Time comes from the caller.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate / 1000)
local idle = math.ceil(burst / rate * 1000) + 1000
local allowed = 0
local retry = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
elseif cost > burst then
  retry = math.ceil(burst / rate * 1000)
else
  retry = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(now))
redis.call('PEXPIRE', KEYS[1], idle)
return {allowed, math.max(1, retry)}`;

interface Scripts {
  liveopsRateTake(key: string, rate: string, burst: string, cost: string, nowMs: string): Promise<unknown>;
}

export function createRedisRateLimiter(options: { readonly client: Redis; readonly prefix?: string }): RateLimiter {
  const { client } = options;
  const prefix = options.prefix ?? 'liveops:';
  client.defineCommand('liveopsRateTake', { numberOfKeys: 1, lua: TAKE });
  const scripts = client as unknown as Scripts;
  return {
    take: async ({ key, ratePerSec, burst, cost, nowMs }): Promise<RateDecision> => {
      const reply = await redisCall(() => scripts.liveopsRateTake(`${prefix}rl:{${key}}`, String(ratePerSec), String(burst), String(cost), String(nowMs)));
      if (!Array.isArray(reply)) throw new Error('rate limit script: unexpected reply');
      const [allowed, retryAfterMs] = reply as unknown[];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Number(retryAfterMs) };
    },
  };
}
