import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { percentile } from '../http-client.js';
import type { ClientFactory, ClientSpec, ClosedLoopRequest, LatencySummary, LoadClient, LoadReply, LoadRequest, LoadResult } from './protocol.js';

/**
 * The load worker: builds one subject's client from the spec it was started with, then runs the
 * closed loops the bench process asks for, one at a time. Runs on its own thread (bench/load/remote.ts).
 */

function summarise(latencies: readonly number[]): LatencySummary {
  return { count: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: percentile(latencies, 100) };
}

async function closedLoop(client: LoadClient, options: { concurrency: number; durationMs: number; latencies?: number[] }): Promise<number> {
  const deadline = performance.now() + options.durationMs;
  let calls = 0;
  const lane = async (): Promise<void> => {
    do {
      const started = performance.now();
      await client.call();
      options.latencies?.push(performance.now() - started);
      calls += 1;
    } while (performance.now() < deadline);
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return calls;
}

async function handle(client: LoadClient, request: ClosedLoopRequest): Promise<LoadResult> {
  await closedLoop(client, { concurrency: request.concurrency, durationMs: request.warmupMs });
  const latencies: number[] = [];
  const start = performance.now();
  // Includes the tail: calls still in flight at the deadline are waited for and counted.
  const calls = await closedLoop(client, { concurrency: request.concurrency, durationMs: request.durationMs, latencies });
  return { calls, elapsedMs: performance.now() - start, latency: summarise(latencies) };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('bench/load/worker.ts runs as a worker thread');
  const spec = workerData as ClientSpec;
  // require, not import(): the worker runs under tsx's CommonJS hook, which import() bypasses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(spec.module) as Record<string, unknown>;
  const factory = loaded[spec.factory];
  if (typeof factory !== 'function') throw new Error(`${spec.module} exports no function ${spec.factory}`);
  const client = await (factory as ClientFactory)({ options: spec.options, connections: spec.connections });
  port.on('message', (request: LoadRequest) => {
    if (request.kind === 'close') {
      void client.close().finally(() => { port.close(); });
      return;
    }
    handle(client, request).then(
      (result) => { port.postMessage({ ok: true, result } satisfies LoadReply); },
      (error: unknown) => { port.postMessage({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies LoadReply); },
    );
  });
  port.postMessage('ready');
}

void main();
