import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentLogger } from '../src/adapters/logging/json-logger.js';
import { MemoryFairnessAudit } from '../src/adapters/memory/memory-fairness-audit.js';
import { createRedisFairnessStore } from '../src/adapters/redis/redis-fairness-store.js';
import { createRedisSanctionStore } from '../src/adapters/redis/redis-sanction-store.js';
import { DEFAULT_FAIRNESS_CAPS, DEFAULT_PAYLOAD_MAX } from '../src/core/config/settings-payload.js';
import { FairnessGate } from '../src/core/fairness/gate.js';
import { envelopeSchema } from '../src/core/ingestion/envelope.js';
import type { ReceivedMessage } from '../src/core/messaging/bus.js';
import type { Benchmark, Subject } from './harness.js';

const BATCH = 100;
/** Sessions judged at once, as host.json lets several sessions run per worker. */
const CONCURRENCY = 16;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One player's batch (a session), honest-looking values, enqueued one per 200 ms. */
function batch(): ReceivedMessage[] {
  const playerId = `bench_${randomUUID().slice(0, 12)}`;
  const now = Date.now();
  return Array.from({ length: BATCH }, (_, i) => {
    const eventId = randomUUID();
    return {
      messageId: eventId,
      sessionId: playerId,
      body: { eventId, type: 'boss_kill', playerId, ts: now, season: 1, payload: { bossId: 'dragon', tier: 3, points: 1400 + ((i * 37) % 300) } },
      applicationProperties: { type: 'boss_kill', playerId, season: 1, traceparent: '' },
      deliveryCount: 1,
      enqueuedTimeUtc: new Date(now - (BATCH - i) * 200),
    };
  });
}

/**
 * Fairness verdicts with the real Redis store (one load pipeline and one commit script per
 * session batch) against the least Redis work a verdict needs: one pipeline per batch appending
 * each value to its player's history. Both run CONCURRENCY sessions at once.
 */
export const fairnessBench: Benchmark = {
  name: 'fairness',
  description: `verdicts on batches of ${BATCH} events of one player, ${CONCURRENCY} sessions at once, real Redis`,
  unit: 'verdict',
  // Issue #4 asks for 20 000 verdicts/s with real Redis; the bare append runs about 60 000/s here,
  // so that is a ratio of 0.33. Measured 0.30–0.48 (≈ 21 000/s) on 2026-11-25; the goal allows
  // for a busy machine. See docs/benchmarks.md.
  goal: { name: 'verdicts keep 30% of a bare pipelined history append (issue #4: ≥ 20 000 verdicts/s)', minRatio: 0.3 },
  setup: () => {
    const prefix = `liveops-bench:${randomUUID().slice(0, 8)}:`;
    const client = new Redis(REDIS_URL);
    const gate = new FairnessGate({
      store: createRedisFairnessStore({ client, prefix, retention: { historyLength: 50, populationLength: 1000, eventWindowMs: 600_000, flagWindowMs: 3_600_000, verdictTtlMs: 600_000 } }),
      audit: new MemoryFairnessAudit(),
      sanctions: createRedisSanctionStore({ client, prefix }),
      publisher: { send: () => Promise.resolve() },
      verifiedTopic: 'liveops-verified',
      schema: envelopeSchema({ payloadMax: DEFAULT_PAYLOAD_MAX }),
      params: { floodMaxPerSec: 10, anomalyZ: 3.5, anomalyMinFactor: 3, history: 50, minHistory: 10, caps: DEFAULT_FAIRNESS_CAPS },
      policy: { flagThreshold: 3, flagWindowS: 3600, blockSec: 60, maxBlockSec: 86_400 },
      logger: silentLogger,
      observer: { verdict: () => undefined, sanction: () => undefined },
      now: Date.now,
    });
    const candidate: Subject = { name: 'FairnessGate.process (Redis store)', concurrency: CONCURRENCY, opsPerRun: BATCH, run: () => gate.process(batch()) };
    const baseline: Subject = {
      name: 'pipelined RPUSH+LTRIM per event',
      concurrency: CONCURRENCY,
      opsPerRun: BATCH,
      run: async () => {
        const messages = batch();
        const pipeline = client.pipeline();
        for (const m of messages) {
          const key = `${prefix}base:{${m.sessionId ?? ''}}`;
          pipeline.rpush(key, JSON.stringify(m.body)).ltrim(key, -50, -1).pexpire(key, 600_000);
        }
        await pipeline.exec();
      },
    };
    return Promise.resolve({
      baseline,
      candidate,
      close: async () => {
        // Bench keys expire on their own (PX); remove what is left so Redis stays tidy.
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== '0');
        await client.quit();
      },
    });
  },
};
