import type { Redis } from 'ioredis';
import type { Decision, FairnessRetention, FairnessStore, PlayerState, RecordedVerdict } from '../../core/fairness/ports.js';
import { redisCall } from './redis-errors.js';

/**
 * Fairness state in Redis. Every key of one player carries the hash tag `{<playerId>}`, so the
 * commit script touches one slot (Redis-Cluster safe):
 *   <prefix>fair:{p}:v:<eventId>  recorded verdict JSON, PX verdictTtlMs
 *   <prefix>fair:{p}:h:<type>     list of recent passed values (LTRIM to historyLength)
 *   <prefix>fair:{p}:t            zset eventId → enqueue time (the flood window)
 *   <prefix>fair:{p}:f            zset eventId → flag time (the flag window; cleared by a block)
 *   <prefix>fair:{p}:s            number of blocks so far (for the doubling)
 * The population sample `<prefix>fair:pop:{<type>}` lives in another slot and is appended after
 * the commit, only for events the commit recorded as new, so a redelivery adds nothing twice.
 */
const COMMIT = `
local a = cjson.decode(ARGV[1])
local n = #a.d
local out = {}
local fresh = {}
for i, d in ipairs(a.d) do
  local vKey = KEYS[3 + i]
  local existing = redis.call('GET', vKey)
  if existing then
    out[i] = existing
  else
    redis.call('SET', vKey, d.rec, 'PX', a.vttl)
    out[i] = d.rec
    redis.call('ZADD', KEYS[1], d.enq, d.id)
    if d.kind == 'pass' and d.val ~= cjson.null then
      local hKey = KEYS[3 + n + d.ti]
      redis.call('RPUSH', hKey, d.val)
      redis.call('LTRIM', hKey, -a.hl, -1)
      redis.call('PEXPIRE', hKey, a.sttl)
      fresh[#fresh + 1] = i
    elseif d.kind == 'flag' then
      redis.call('ZADD', KEYS[2], a.now, d.id)
      if d.sanc then
        redis.call('INCR', KEYS[3])
        redis.call('DEL', KEYS[2])
      end
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', a.now - a.ew)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', a.now - a.fw)
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], a.sttl) end
return {out, fresh}`;

/** Player state without activity is forgotten after this long. */
const STATE_TTL_MS = 30 * 24 * 3600 * 1000;

interface Scripts {
  liveopsFairCommit(...args: (string | number)[]): Promise<unknown>;
}

export function createRedisFairnessStore(options: { readonly client: Redis; readonly retention: FairnessRetention; readonly prefix?: string }): FairnessStore {
  const { client, retention } = options;
  const prefix = `${options.prefix ?? 'liveops:'}fair:`;
  client.defineCommand('liveopsFairCommit', { lua: COMMIT });
  const scripts = client as unknown as Scripts;
  const k = (playerId: string, suffix: string): string => `${prefix}{${playerId}}:${suffix}`;
  const popKey = (type: string): string => `${prefix}pop:{${type}}`;

  return {
    load: ({ playerId, eventIds, types, nowMs }) =>
      redisCall(async () => {
        const pipeline = client.pipeline();
        if (eventIds.length > 0) pipeline.mget(...eventIds.map((id) => k(playerId, `v:${id}`)));
        for (const type of types) pipeline.lrange(k(playerId, `h:${type}`), 0, -1);
        pipeline.zrangebyscore(k(playerId, 't'), nowMs - retention.eventWindowMs + 1, '+inf', 'WITHSCORES');
        pipeline.zrangebyscore(k(playerId, 'f'), nowMs - retention.flagWindowMs + 1, '+inf', 'WITHSCORES');
        pipeline.get(k(playerId, 's'));
        for (const type of types) pipeline.lrange(popKey(type), 0, -1);
        const replies = (await pipeline.exec()) ?? [];
        const values = replies.map(([error, value]) => {
          if (error) throw error;
          return value;
        });
        let at = 0;
        const next = (): unknown => values[at++];
        const recorded = new Map<string, RecordedVerdict>();
        if (eventIds.length > 0) {
          (next() as (string | null)[]).forEach((json, i) => {
            const id = eventIds[i];
            if (json !== null && id !== undefined) recorded.set(id, JSON.parse(json) as RecordedVerdict);
          });
        }
        const histories = Object.fromEntries(types.map((type) => [type, (next() as string[]).map(Number)]));
        const recentEventTimes = scores(next() as string[]).sort((x, y) => x - y);
        const flagTimes = scores(next() as string[]).sort((x, y) => x - y);
        const priorSanctions = Number((next() as string | null) ?? 0);
        const population = Object.fromEntries(types.map((type) => [type, (next() as string[]).map(Number)]));
        return { recorded, histories, recentEventTimes, flagTimes, priorSanctions, population } satisfies PlayerState;
      }),

    commit: ({ playerId, decisions, nowMs }) =>
      redisCall(async () => {
        if (decisions.length === 0) return new Map<string, RecordedVerdict>();
        const types = [...new Set(decisions.map((d) => d.type))];
        const keys = [
          k(playerId, 't'),
          k(playerId, 'f'),
          k(playerId, 's'),
          ...decisions.map((d) => k(playerId, `v:${d.eventId}`)),
          ...types.map((type) => k(playerId, `h:${type}`)),
        ];
        const args = {
          now: nowMs,
          vttl: retention.verdictTtlMs,
          sttl: STATE_TTL_MS,
          hl: retention.historyLength,
          ew: retention.eventWindowMs,
          fw: retention.flagWindowMs,
          d: decisions.map((d) => ({
            id: d.eventId,
            ti: types.indexOf(d.type) + 1,
            val: d.value ?? null,
            enq: d.enqueuedAtMs,
            kind: d.recorded.verdict.kind,
            sanc: d.recorded.sanction !== undefined,
            rec: JSON.stringify(d.recorded),
          })),
        };
        const reply = await scripts.liveopsFairCommit(keys.length, ...keys, JSON.stringify(args));
        const [out, fresh] = reply as [string[], number[]];
        await appendPopulation(decisions, fresh);
        const result = new Map<string, RecordedVerdict>();
        decisions.forEach((d, i) => {
          const json = out[i];
          if (json !== undefined) result.set(d.eventId, JSON.parse(json) as RecordedVerdict);
        });
        return result;
      }),
  };

  async function appendPopulation(decisions: readonly Decision[], fresh: readonly number[]): Promise<void> {
    if (fresh.length === 0) return;
    const pipeline = client.pipeline();
    for (const index of fresh) {
      const d = decisions[index - 1];
      if (d?.value === undefined) continue;
      pipeline.rpush(popKey(d.type), d.value);
      pipeline.ltrim(popKey(d.type), -retention.populationLength, -1);
    }
    await pipeline.exec();
  }
}

/** ZRANGE … WITHSCORES replies [member, score, member, score, …]. */
function scores(reply: readonly string[]): number[] {
  const result: number[] = [];
  for (let i = 1; i < reply.length; i += 2) result.push(Number(reply[i]));
  return result;
}
