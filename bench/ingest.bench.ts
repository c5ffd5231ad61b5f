import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/adapters/logging/json-logger.js';
import { createAppContext } from '../src/app/composition-root.js';
import { DEVELOPMENT_HMAC_KEY } from '../src/core/config/settings-key-rings.js';
import { parseSettings } from '../src/core/config/settings.js';
import { signRequest } from '../src/core/ingestion/signing.js';
import { postEvent, postEventBatch } from '../src/functions/gateway/events.js';
import { startEmbeddedHost, type EmbeddedHost } from '../src/local/embedded-host.js';
import type { Benchmark, Fixture, Subject } from './harness.js';
import { closeServer, HOST, percentile, portOf, post, startBare202Server, type PostTarget } from './http-client.js';

/** DESIGN/issue #3: measured at 50 connections. */
const CONNECTIONS = 50;
const BATCH = 100;
const KEY = Buffer.from(DEVELOPMENT_HMAC_KEY);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function event(): Record<string, unknown> {
  // Many players, so per-player buckets never throttle the load (the key bucket is opened up below).
  return { eventId: randomUUID(), type: 'boss_kill', playerId: `bench_${Math.floor(Math.random() * 100_000)}`, ts: Date.now(), payload: { bossId: 'dragon', tier: 3, points: 1500 } };
}

/** The client's work (body, signature) is the same for both subjects, so it cancels out of the ratio. */
function signed(path: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-signature': signRequest({ kid: 'dev', key: KEY, t: Math.floor(Date.now() / 1000), method: 'POST', path, body: Buffer.from(body) }) };
}

function subject(options: { name: string; target: PostTarget; path: string; makeBody: () => string; opsPerRun: number; latencies?: number[] }): Subject {
  return {
    name: options.name,
    concurrency: CONNECTIONS,
    opsPerRun: options.opsPerRun,
    run: async () => {
      const body = options.makeBody();
      const started = performance.now();
      const status = await post(options.target, { path: options.path, body, headers: signed(options.path, body) });
      options.latencies?.push(performance.now() - started);
      if (status !== 202) throw new Error(`${options.name}: HTTP ${status}`);
    },
  };
}

/**
 * The gateway through the embedded host with real Redis (idempotency/dedup, buckets, sanctions)
 * and the memory bus, only the gateway functions running (no consumers).
 */
async function startGateway(): Promise<{ host: EmbeddedHost; port: number; close(): Promise<void> }> {
  const settings = parseSettings({ REDIS_URL, RATE_LIMIT_KEY_PER_SEC: '1000000', BATCH_MAX_EVENTS: String(BATCH) });
  const app = createAppContext({ settings, logger: silentLogger });
  const host = await startEmbeddedHost({ app, definitions: [postEvent, postEventBatch], port: 0, host: HOST, timers: false });
  // Drain the ingress queue as fairness would; an undrained in-memory queue would only measure
  // the garbage collector chasing a growing heap.
  const drain = app.bus.subscribe({ source: { queue: settings.bus.ingressQueue }, maxBatchSize: 100, handler: () => Promise.resolve() });
  return {
    host,
    port: Number(new URL(host.url).port),
    close: async () => {
      await drain.close();
      await host.stop(1_000);
    },
  };
}

async function fixture(options: { path: string; makeBody: () => string; opsPerRun: number; report: (latencies: number[]) => void }): Promise<Fixture> {
  const gateway = await startGateway();
  const bare = await startBare202Server();
  const agents = [new Agent({ keepAlive: true, maxSockets: CONNECTIONS }), new Agent({ keepAlive: true, maxSockets: CONNECTIONS })] as const;
  const latencies: number[] = [];
  return {
    candidate: subject({ name: `POST ${options.path} (embedded host, Redis)`, target: { port: gateway.port, agent: agents[0] }, path: options.path, makeBody: options.makeBody, opsPerRun: options.opsPerRun, latencies }),
    baseline: subject({ name: 'bare node:http: read, JSON.parse, 202', target: { port: portOf(bare), agent: agents[1] }, path: options.path, makeBody: options.makeBody, opsPerRun: options.opsPerRun }),
    close: async () => {
      options.report(latencies);
      for (const agent of agents) agent.destroy();
      await closeServer(bare);
      await gateway.close();
    },
  };
}

function reportLatency(latencies: number[]): void {
  process.stderr.write(`  candidate latency over ${latencies.length} requests at ${CONNECTIONS} connections: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms\n`);
}

export const ingest: Benchmark = {
  name: 'ingest',
  description: `signed single-event POST /api/events at ${CONNECTIONS} connections, real Redis + memory bus, vs a bare server answering 202`,
  unit: 'req',
  // Issue #3 asks for 0.5 (and p99 ≤ 10 ms, printed after the run). Not met yet: see
  // docs/benchmarks.md for the figures and where the time goes.
  goal: { name: 'the gateway keeps half the bare server\'s request rate', minRatio: 0.5 },
  setup: () => fixture({ path: '/api/events', makeBody: () => JSON.stringify(event()), opsPerRun: 1, report: reportLatency }),
};

export const ingestBatch: Benchmark = {
  name: 'ingest-batch',
  description: `signed POST /api/events/batch with ${BATCH} events at ${CONNECTIONS} connections, real Redis + memory bus, vs a bare server parsing the same bodies`,
  unit: 'event',
  // Issue #3 asks for 100 000 events/s in batches of 100; the bare server parses about 250 000/s
  // here, so the goal as a same-run ratio is 0.4. Not met yet: see docs/benchmarks.md.
  goal: { name: 'batches reach 40% of the bare parse-and-202 event rate (≈ 100 000 events/s here)', minRatio: 0.4 },
  setup: () => fixture({ path: '/api/events/batch', makeBody: () => JSON.stringify({ events: Array.from({ length: BATCH }, event) }), opsPerRun: BATCH, report: reportLatency }),
};
