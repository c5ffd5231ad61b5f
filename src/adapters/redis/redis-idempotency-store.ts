import type { Redis } from 'ioredis';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../core/ingestion/ports.js';
import { redisCall } from './redis-errors.js';

/**
 * Idempotency records in Redis, one key per record: `<prefix>idem:{<key>}` holding JSON
 * `{s: "i"|"d", f: fingerprint, e: expiresAtMs, r?: responseJson}`. Every decision is one Lua
 * script on that one key (Redis-Cluster safe). Expiry is checked against the caller's `nowMs`
 * (and enforced by PX as well), so the store follows the same clock as the rest of the request.
 */
const BEGIN = `
local v = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[2])
if v then
  local r = cjson.decode(v)
  if tonumber(r.e) > now then
    if r.f ~= ARGV[1] then return {'mismatch'} end
    if r.s == 'i' then return {'in-flight'} end
    return {'replay', r.r}
  end
end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], cjson.encode({s = 'i', f = ARGV[1], e = now + ttl}), 'PX', ttl)
return {'started'}`;

const COMPLETE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local r = cjson.decode(v)
local now = tonumber(ARGV[2])
if r.s ~= 'i' or r.f ~= ARGV[1] or tonumber(r.e) <= now then return 0 end
local ttl = tonumber(ARGV[4])
redis.call('SET', KEYS[1], cjson.encode({s = 'd', f = ARGV[1], e = now + ttl, r = ARGV[3]}), 'PX', ttl)
return 1`;

const RELEASE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local r = cjson.decode(v)
if r.s ~= 'i' or r.f ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

interface Scripts {
  liveopsIdemBegin(key: string, fingerprint: string, nowMs: string, ttlMs: string): Promise<unknown>;
  liveopsIdemComplete(key: string, fingerprint: string, nowMs: string, response: string, ttlMs: string): Promise<unknown>;
  liveopsIdemRelease(key: string, fingerprint: string): Promise<unknown>;
}

export function createRedisIdempotencyStore(options: { readonly client: Redis; readonly prefix?: string }): IdempotencyStore {
  const { client } = options;
  const prefix = options.prefix ?? 'liveops:';
  // defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT (e.g. after a Redis restart).
  client.defineCommand('liveopsIdemBegin', { numberOfKeys: 1, lua: BEGIN });
  client.defineCommand('liveopsIdemComplete', { numberOfKeys: 1, lua: COMPLETE });
  client.defineCommand('liveopsIdemRelease', { numberOfKeys: 1, lua: RELEASE });
  const scripts = client as unknown as Scripts;
  const keyOf = (key: string): string => `${prefix}idem:{${key}}`;

  return {
    begin: async ({ key, fingerprint, inFlightTtlMs, nowMs }) => {
      const reply = await redisCall(() => scripts.liveopsIdemBegin(keyOf(key), fingerprint, String(nowMs), String(inFlightTtlMs)));
      return toBegin(reply);
    },
    complete: async ({ key, fingerprint, response, ttlMs, nowMs }) => {
      await redisCall(() => scripts.liveopsIdemComplete(keyOf(key), fingerprint, String(nowMs), JSON.stringify(response), String(ttlMs)));
    },
    release: async ({ key, fingerprint }) => {
      await redisCall(() => scripts.liveopsIdemRelease(keyOf(key), fingerprint));
    },
  };
}

function toBegin(reply: unknown): IdempotencyBegin {
  if (!Array.isArray(reply)) throw new Error('idempotency script: unexpected reply');
  const [kind, response] = reply as unknown[];
  switch (kind) {
    case 'started':
      return { kind: 'started' };
    case 'in-flight':
      return { kind: 'in-flight' };
    case 'mismatch':
      return { kind: 'mismatch' };
    case 'replay':
      return { kind: 'replay', response: JSON.parse(String(response)) as StoredResponse };
    default:
      throw new Error('idempotency script: unexpected reply');
  }
}
