import { Worker } from 'node:worker_threads';
import type { ClientSpec, LoadReply, LoadRequest, LoadResult } from './protocol.js';

/** A subject's client running on a load worker thread (bench/load/worker.ts). */
export interface RemoteLoad {
  closedLoop(options: { readonly concurrency: number; readonly warmupMs: number; readonly durationMs: number }): Promise<LoadResult>;
  close(): Promise<void>;
}

/**
 * Starts a worker thread with the spec's client. Compiled, the worker is plain JavaScript; run from
 * source (tsx), it goes through tsx's CommonJS hook, since workers do not inherit the loader.
 */
export async function startRemoteLoad(spec: ClientSpec): Promise<RemoteLoad> {
  const script = require.resolve('./worker');
  const worker = script.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: spec })
    : new Worker(script, { workerData: spec });
  let failure: Error | undefined;
  worker.on('error', (error) => { failure = error; });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => { resolve(); });
    worker.once('error', reject);
    worker.once('exit', (code) => { reject(new Error(`load worker for ${spec.module} exited with code ${code} before it was ready`)); });
  });
  const ask = (request: Exclude<LoadRequest, { kind: 'close' }>): Promise<LoadResult> =>
    new Promise((resolve, reject) => {
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      worker.once('message', (reply: LoadReply) => {
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`load worker: ${reply.error}`));
      });
      worker.postMessage(request);
    });
  return {
    closedLoop: (options) => ask({ kind: 'closed', ...options }),
    close: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => { resolve(); }));
      worker.postMessage({ kind: 'close' } satisfies LoadRequest);
      // A worker that does not finish closing within 5 s is stopped: a bench run must end.
      const timer = setTimeout(() => { void worker.terminate(); }, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
