import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AggregatorRegistry, Registry } from 'prom-client';
import { metricsPushSchema } from '../adapters/metrics/push-protocol.js';
import type { Logger } from '../core/logging/logger.js';
import type { SidecarConfig } from './config.js';
import { createSidecarMetrics } from './sidecar-metrics.js';
import { WorkerTable } from './worker-table.js';

/** A push is one registry snapshot; a few hundred KB at most in practice. */
const MAX_PUSH_BYTES = 8 * 1024 * 1024;
/** Retired workers are folded into the baseline after this long (see WorkerTable). */
const KEEP_RETIRED_MS = 60 * 60 * 1000;
/** At most one "push rejected" line per this long: a misbuilt worker would otherwise flood the log. */
const REJECT_LOG_EVERY_MS = 60_000;

export interface SidecarOptions {
  readonly config: Omit<SidecarConfig, 'logLevel'>;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface RunningSidecar {
  /** `http://host:port` of the scrape listener (`/metrics`, `/healthz`). */
  readonly metricsUrl: string;
  /** The full push URL workers post to. */
  readonly pushUrl: string;
  readonly table: WorkerTable;
  /** Keeps serving until every worker has said goodbye or `graceMs` passed, then closes. */
  stop(graceMs: number): Promise<void>;
}

/**
 * The metrics sidecar: workers of the pod push their registries to a loopback-only listener,
 * Prometheus scrapes the merged result (one `/metrics` per pod, `pod` label added) on the other.
 * Keeping the two apart means nothing outside the pod can push numbers into the pod's series.
 */
export async function startSidecar(options: SidecarOptions): Promise<RunningSidecar> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const table = new WorkerTable({ staleIntervals: config.staleIntervals, keepRetiredMs: KEEP_RETIRED_MS, now });
  const own = new Registry();
  // The same service label the workers' registries carry (src/app/composition-root.ts).
  own.setDefaultLabels({ service: 'liveops' });
  const metrics = createSidecarMetrics({ registry: own, table });
  let lastRejectLogMs = Number.NEGATIVE_INFINITY;

  const sweep = async (): Promise<void> => {
    const retired = await table.sweep();
    if (retired > 0) {
      metrics.retired(retired);
      logger.warn('workers went silent; their counters are kept, their gauges dropped', { justRetired: retired, live: table.counts.live, retired: table.counts.retired });
    }
  };

  const render = async (): Promise<string> => {
    await sweep();
    const merged = AggregatorRegistry.aggregate([...table.snapshots(), await own.getMetricsAsJSON()]);
    merged.setDefaultLabels({ pod: config.pod });
    return merged.metrics();
  };

  const onPush = async (body: string): Promise<void> => {
    const push = metricsPushSchema.parse(JSON.parse(body));
    const known = table.counts.live;
    table.accept(push);
    metrics.push('accepted');
    if (push.final) logger.info('worker stopped', { workerId: push.workerId });
    else if (table.counts.live > known) logger.info('worker joined', { workerId: push.workerId, intervalMs: push.intervalMs });
    await sweep();
  };

  const scrape = createServer((req, res) => {
    route(req, res, logger, {
      '/metrics': async () => ({ status: 200, type: Registry.PROMETHEUS_CONTENT_TYPE, body: await render() }),
      '/healthz': () => Promise.resolve({ status: 200, type: 'application/json', body: JSON.stringify({ status: 'ok', workers: table.counts }) }),
    });
  });
  const pushes = createServer((req, res) => {
    if (req.method !== 'POST' || pathOf(req) !== config.push.path) {
      reply(res, { status: req.method === 'POST' ? 404 : 405, type: 'text/plain', body: 'POST the worker snapshot to the push path\n' });
      return;
    }
    readBody(req, MAX_PUSH_BYTES)
      .then(onPush)
      .then(
        () => {
          reply(res, { status: 204, type: 'text/plain', body: '' });
        },
        (error: unknown) => {
          metrics.push('rejected');
          if (now() - lastRejectLogMs >= REJECT_LOG_EVERY_MS) {
            lastRejectLogMs = now();
            logger.warn('metrics push rejected', { err: error });
          }
          const status = error instanceof BodyTooLargeError ? 413 : 400;
          reply(res, { status, type: 'text/plain', body: `${status === 413 ? 'push too large' : 'invalid push'}\n` });
        },
      );
  });

  await listen(scrape, config.port, '0.0.0.0');
  await listen(pushes, config.push.port, config.push.host);
  const scrapeAddress = scrape.address() as AddressInfo;
  const pushAddress = pushes.address() as AddressInfo;
  const pushHost = pushAddress.family === 'IPv6' ? `[${pushAddress.address}]` : pushAddress.address;

  return {
    metricsUrl: `http://127.0.0.1:${scrapeAddress.port}`,
    pushUrl: `http://${pushHost}:${pushAddress.port}${config.push.path}`,
    table,
    stop: async (graceMs) => {
      // Workers send a final push while they shut down; stay up for it so the pod's last counts
      // are not lost, but never past the grace period.
      const deadline = now() + graceMs;
      while (table.counts.live > 0 && now() < deadline) {
        await sleep(200);
        // A worker that died without its final push is retired after its stale intervals.
        await sweep();
      }
      await Promise.all([close(scrape), close(pushes)]);
    },
  };
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

function route(req: IncomingMessage, res: ServerResponse, logger: Logger, routes: Readonly<Record<string, () => Promise<Reply>>>): void {
  const handler = routes[pathOf(req)];
  if (handler === undefined) {
    reply(res, { status: 404, type: 'text/plain', body: 'not found\n' });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    reply(res, { status: 405, type: 'text/plain', body: 'GET only\n' });
    return;
  }
  handler().then(
    (r) => {
      reply(res, r);
    },
    (error: unknown) => {
      logger.error('rendering failed', { path: pathOf(req), err: error });
      reply(res, { status: 500, type: 'text/plain', body: 'internal error\n' });
    },
  );
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://sidecar').pathname;
}

function reply(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status, { 'content-type': r.type, 'cache-control': 'no-store', ...(r.status === 413 ? { connection: 'close' } : {}) });
  res.end(r.status === 204 ? undefined : r.body);
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering; the 413 reply closes the connection (see reply).
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`push body over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
    // Prometheus and the workers keep connections alive; do not wait for them to time out.
    server.closeAllConnections();
  });
}
