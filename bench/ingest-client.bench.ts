import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { silentLogger } from '../src/adapters/logging/json-logger.js';
import { createAppContext } from '../src/app/composition-root.js';
import { DEVELOPMENT_CLIENT_KEY, DEVELOPMENT_HMAC_KEY } from '../src/core/config/settings-key-rings.js';
import { parseSettings } from '../src/core/config/settings.js';
import { signRequest } from '../src/core/ingestion/signing.js';
import { postEvent } from '../src/functions/gateway/events.js';
import { startEmbeddedHost } from '../src/local/embedded-host.js';
import type { Benchmark, Fixture, Subject } from './harness.js';
import { HOST, post, type PostTarget } from './http-client.js';

/** As the ingest benchmark: 50 connections. */
const CONNECTIONS = 50;
const PLAYERS = 1000;
const PATH = '/api/events';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Issue #14's speed goal: a client key with a (cached) player token costs at most 15 % over the
 * same route signed with a server key. Both subjects hit one gateway (real Redis, memory bus) with
 * the same progression events from the same players; only the credentials differ, so the ratio is
 * the price of authenticating a client: reading the bearer header, hashing the token, the cache.
 */
function subject(options: { name: string; target: PostTarget; kid: string; key: Buffer; tokens?: readonly string[] }): Subject {
  let next = 0;
  return {
    name: options.name,
    concurrency: CONNECTIONS,
    opsPerRun: 1,
    run: async () => {
      const index = next++ % PLAYERS;
      const body = JSON.stringify({ eventId: randomUUID(), type: 'progression', playerId: `bench_c${index}`, ts: Date.now(), payload: { deltaXp: 10, activity: 'quest' } });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-signature': signRequest({ kid: options.kid, key: options.key, t: Math.floor(Date.now() / 1000), method: 'POST', path: PATH, body: Buffer.from(body) }),
      };
      const token = options.tokens?.[index];
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const status = await post(options.target, { path: PATH, body, headers });
      if (status !== 202) throw new Error(`${options.name}: HTTP ${status}`);
    },
  };
}

async function fixture(): Promise<Fixture> {
  const settings = parseSettings({ REDIS_URL, RATE_LIMIT_KEY_PER_SEC: '1000000', RATE_LIMIT_PLAYER_PER_SEC: '100000', RATE_LIMIT_PLAYER_BURST: '100000' });
  const app = createAppContext({ settings, logger: silentLogger });
  const host = await startEmbeddedHost({ app, definitions: [postEvent], port: 0, host: HOST, timers: false });
  const drain = app.bus.subscribe({ source: { queue: settings.bus.ingressQueue }, maxBatchSize: 100, handler: () => Promise.resolve() });
  const tokens = await Promise.all(Array.from({ length: PLAYERS }, async (_, i) => (await app.playerTokens.mint({ playerId: `bench_c${i}`, nowMs: Date.now() })).token));
  const port = Number(new URL(host.url).port);
  const agents = [new Agent({ keepAlive: true, maxSockets: CONNECTIONS }), new Agent({ keepAlive: true, maxSockets: CONNECTIONS })] as const;
  return {
    candidate: subject({ name: 'POST /api/events, client key + player token', target: { port, agent: agents[0] }, kid: 'dev-client', key: Buffer.from(DEVELOPMENT_CLIENT_KEY), tokens }),
    baseline: subject({ name: 'POST /api/events, server key', target: { port, agent: agents[1] }, kid: 'dev', key: Buffer.from(DEVELOPMENT_HMAC_KEY) }),
    close: async () => {
      for (const agent of agents) agent.destroy();
      await drain.close();
      await host.stop(1_000);
      await app.close();
    },
  };
}

export const ingestClient: Benchmark = {
  name: 'ingest-client',
  description: `signed single events with a client key and a cached player token vs the same route with a server key, ${CONNECTIONS} connections, real Redis`,
  unit: 'req',
  goal: { name: 'a client key with a cached token keeps 85 % of the server-key rate', minRatio: 0.85 },
  setup: fixture,
};
