import type { ChainableCommander, Redis } from 'ioredis';
import { DEDUP_HORIZON_MS, type ApplyOutcome, type BoardKey, type Expiry, type LeaderboardStore, type RawEntry, type ScoreUpdate } from '../../core/leaderboard/ports.js';
import { redisCall } from './redis-errors.js';

/**
 * Leaderboards in Redis. Per board × window × period, three keys share the hash tag
 * `{<board>:<window>:<period>}`, so the script below touches one slot (Redis-Cluster safe):
 *   <prefix>lb:{b:w:p}         sorted set playerId → encoded score (core/leaderboard/encoding.ts)
 *   <prefix>lb:{b:w:p}:ids     sorted set eventId → applied-at ms (the dedup record, 24 h)
 *   <prefix>lb:{b:w:p}:closed  present once the period is closed (archived)
 *
 * APPLY runs every update of one batch for one board key: dedup, closed check, the operator
 * (the same rule as `applyOperator`), the write, the dedup record, expiry. A batch sends one
 * script per board key, pipelined. Scores are written with %.0f: Lua's default number format
 * (%.14g) would round integers above 10^14, and encoded scores reach 2^53.
 */
const APPLY = `
local now = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local mode = ARGV[3]
local expiry = tonumber(ARGV[4])
local op = ARGV[5]
local asc = ARGV[6] == 'asc'
local unit = 2 ^ tonumber(ARGV[7])
local max = tonumber(ARGV[8])
local closed = redis.call('EXISTS', KEYS[3]) == 1
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - horizon)
local out = {}
local wrote = false
for i = 9, #ARGV, 4 do
  local id = ARGV[i]
  local member = ARGV[i + 1]
  local value = tonumber(ARGV[i + 2])
  local tie = tonumber(ARGV[i + 3])
  if redis.call('ZSCORE', KEYS[2], id) then
    out[#out + 1] = 'duplicate'
  elseif closed then
    out[#out + 1] = 'closed'
  else
    local score, when = value, tie
    local raw = redis.call('ZSCORE', KEYS[1], member)
    local old, oldTie
    if raw then
      local enc = tonumber(raw)
      old = math.floor(enc / unit)
      local part = enc - old * unit
      if asc then oldTie = part else oldTie = unit - 1 - part end
      if op == 'incr' then
        score = old + value
        if oldTie > tie then when = oldTie end
      elseif op == 'best' then
        if not ((asc and value < old) or ((not asc) and value > old)) then score = old end
      end
    end
    local clamped = score > max
    if clamped then score = max end
    if raw and score == old then when = oldTie end
    local part = when
    if not asc then part = unit - 1 - when end
    redis.call('ZADD', KEYS[1], string.format('%.0f', score * unit + part), member)
    redis.call('ZADD', KEYS[2], now, id)
    wrote = true
    if clamped then out[#out + 1] = 'clamped' else out[#out + 1] = 'applied' end
  end
end
if wrote then
  if mode == 'at' then redis.call('PEXPIREAT', KEYS[1], expiry) elseif mode == 'after' then redis.call('PEXPIRE', KEYS[1], expiry) end
  redis.call('PEXPIRE', KEYS[2], horizon)
end
return out`;

/** A player's rank and the slice around it, in one round trip. */
const AROUND = `
local asc = ARGV[1] == 'asc'
local rank
if asc then rank = redis.call('ZRANK', KEYS[1], ARGV[2]) else rank = redis.call('ZREVRANK', KEYS[1], ARGV[2]) end
if not rank then return false end
local n = tonumber(ARGV[3])
local from = rank - n
if from < 0 then from = 0 end
local slice
if asc then slice = redis.call('ZRANGE', KEYS[1], from, rank + n, 'WITHSCORES') else slice = redis.call('ZREVRANGE', KEYS[1], from, rank + n, 'WITHSCORES') end
return {rank, redis.call('ZCARD', KEYS[1]), from, slice}`;

interface Scripts {
  liveopsLbApply(...args: (string | number)[]): Promise<unknown>;
  liveopsLbAround(...args: (string | number)[]): Promise<unknown>;
}
type ScriptPipeline = ChainableCommander & { liveopsLbApply(...args: (string | number)[]): ChainableCommander };

export function createRedisLeaderboardStore(options: { readonly client: Redis; readonly prefix?: string }): LeaderboardStore {
  const { client } = options;
  const prefix = `${options.prefix ?? 'liveops:'}lb:`;
  client.defineCommand('liveopsLbApply', { numberOfKeys: 3, lua: APPLY });
  client.defineCommand('liveopsLbAround', { numberOfKeys: 1, lua: AROUND });
  const scripts = client as unknown as Scripts;
  const boardKey = (key: BoardKey): string => `${prefix}{${key.board}:${key.window}:${key.period}}`;

  return {
    apply: ({ updates, nowMs }) =>
      redisCall(async () => {
        const groups = groupByKey(updates);
        const pipeline = client.pipeline() as ScriptPipeline;
        for (const group of groups) {
          const first = group.updates[0];
          if (first === undefined) continue;
          const key = boardKey(first.key);
          const [mode, ms] = expiryArgs(first.expiry);
          const args: (string | number)[] = [key, `${key}:ids`, `${key}:closed`, nowMs, DEDUP_HORIZON_MS, mode, ms, first.operator, first.order, first.tieBits, first.maxScore];
          for (const u of group.updates) args.push(u.eventId, u.playerId, u.value, u.tie);
          pipeline.liveopsLbApply(...args);
        }
        const replies = (await pipeline.exec()) ?? [];
        const outcomes: ApplyOutcome[] = new Array<ApplyOutcome>(updates.length);
        groups.forEach((group, g) => {
          const [error, reply] = replies[g] ?? [new Error('missing pipeline reply'), undefined];
          if (error) throw error;
          (reply as ApplyOutcome[]).forEach((outcome, i) => {
            const index = group.indexes[i];
            if (index !== undefined) outcomes[index] = outcome;
          });
        });
        return outcomes;
      }),

    range: ({ key, order, offset, limit }) =>
      redisCall(async () => {
        const k = boardKey(key);
        const stop = offset + limit - 1;
        const pipeline = client.pipeline();
        if (order === 'desc') pipeline.zrevrange(k, offset, stop, 'WITHSCORES');
        else pipeline.zrange(k, offset, stop, 'WITHSCORES');
        pipeline.zcard(k);
        const [[rangeError, flat] = [null, []], [cardError, total] = [null, 0]] = (await pipeline.exec()) ?? [];
        if (rangeError) throw rangeError;
        if (cardError) throw cardError;
        return { total: Number(total), entries: toEntries(flat as string[]) };
      }),

    around: ({ key, order, playerId, around }) =>
      redisCall(async () => {
        const reply = (await scripts.liveopsLbAround(boardKey(key), order, playerId, around)) as [number, number, number, string[]] | null;
        if (reply === null) return undefined;
        const [rank, total, offset, flat] = reply;
        return { rank, total, offset, entries: toEntries(flat) };
      }),

    close: ({ key, expiry }) =>
      redisCall(async () => {
        const marker = `${boardKey(key)}:closed`;
        const multi = client.multi().set(marker, '1');
        if (expiry !== undefined && 'atMs' in expiry) multi.pexpireat(marker, expiry.atMs);
        else if (expiry !== undefined) multi.pexpire(marker, expiry.afterMs);
        const replies = (await multi.exec()) ?? [];
        for (const [error] of replies) if (error) throw error;
      }),
  };
}

/** Updates grouped per board key, keeping each key's order and each update's original index. */
function groupByKey(updates: readonly ScoreUpdate[]): { updates: ScoreUpdate[]; indexes: number[] }[] {
  const groups = new Map<string, { updates: ScoreUpdate[]; indexes: number[] }>();
  updates.forEach((update, index) => {
    const id = `${update.key.board}:${update.key.window}:${update.key.period}`;
    const group = groups.get(id) ?? { updates: [], indexes: [] };
    group.updates.push(update);
    group.indexes.push(index);
    groups.set(id, group);
  });
  return [...groups.values()];
}

function expiryArgs(expiry: Expiry): [string, number] {
  if (expiry === undefined) return ['none', 0];
  return 'atMs' in expiry ? ['at', expiry.atMs] : ['after', expiry.afterMs];
}

/** WITHSCORES replies are [member, score, member, score, …]. */
function toEntries(flat: readonly string[]): RawEntry[] {
  const entries: RawEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ playerId: flat[i] ?? '', encoded: Number(flat[i + 1]) });
  return entries;
}
