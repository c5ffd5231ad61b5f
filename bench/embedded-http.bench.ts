import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../src/adapters/logging/json-logger.js';
import { createAppContext } from '../src/app/composition-root.js';
import { parseSettings } from '../src/core/config/settings.js';
import { functions } from '../src/functions/catalog.js';
import { startEmbeddedHost } from '../src/local/embedded-host.js';
import type { Benchmark, Subject } from './harness.js';

/** Requests in flight at once, per subject (each on its own keep-alive socket). */
const CONCURRENCY = 32;
const HOST = '127.0.0.1';
const PATH = '/api/healthz';
const BODY = '{"status":"ok"}';

interface Target {
  readonly port: number;
  readonly agent: Agent;
}

/** One GET through the keep-alive agent; resolves once the whole body has arrived. */
function get(target: Target): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port: target.port, path: PATH, method: 'GET', agent: target.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new Error(`GET ${PATH} on port ${target.port}: HTTP ${res.statusCode ?? '?'}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function subject(name: string, target: Target): Subject {
  return {
    name,
    concurrency: CONCURRENCY,
    run: async () => {
      await get(target);
    },
  };
}

function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
}

/** The least a node:http server can do for this request: the same JSON body, nothing else. */
async function startBareServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
    server.closeAllConnections();
  });
}

/**
 * The embedded host's per-request overhead (routing, the @azure/functions request/response
 * conversion, invocation context, problem handling) against a bare node:http server. Client and
 * servers share this process and its event loop, so the client's own cost is in both figures.
 */
export const embeddedHttp: Benchmark = {
  name: 'embedded-http',
  description: `GET ${PATH}, ${CONCURRENCY} requests in flight over keep-alive sockets`,
  unit: 'req',
  // Measured 0.65–0.75 since the light request view (2026-12-02; 0.25–0.29 before): 0.5 leaves
  // room for noise yet fails once a request through the host gets about a third slower. See
  // docs/benchmarks.md.
  goal: { name: 'the embedded host keeps half of bare node:http throughput', minRatio: 0.5 },
  setup: async () => {
    const app = createAppContext({ settings: parseSettings({}), logger: silentLogger });
    const host = await startEmbeddedHost({ app, definitions: functions, port: 0, host: HOST, timers: false });
    const bare = await startBareServer();
    const embeddedTarget = { port: Number(new URL(host.url).port), agent: keepAliveAgent() };
    const bareTarget = { port: (bare.address() as AddressInfo).port, agent: keepAliveAgent() };
    const close = async (): Promise<void> => {
      embeddedTarget.agent.destroy();
      bareTarget.agent.destroy();
      await Promise.all([host.stop(1_000), closeServer(bare)]);
    };
    try {
      // Both must answer the same thing, or the comparison means nothing.
      for (const target of [embeddedTarget, bareTarget]) {
        const body = await get(target);
        if (body !== BODY) throw new Error(`GET ${PATH} on port ${target.port} answered ${body}, expected ${BODY}`);
      }
    } catch (error: unknown) {
      await close();
      throw error;
    }
    return {
      baseline: subject('bare node:http server', bareTarget),
      candidate: subject(`embedded host GET ${PATH}`, embeddedTarget),
      close,
    };
  },
};
