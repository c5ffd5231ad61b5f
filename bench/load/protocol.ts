/**
 * What the bench process and a load worker (bench/load/worker.ts) say to each other. The worker
 * runs a client for one subject (an HTTP client, raw Redis calls…) on its own thread, so the
 * client's work does not share the event loop of the server under test, as a real client would not.
 */

/** A module the worker loads, and the exported factory it calls with `options`. */
export interface ClientSpec {
  /** Absolute path of a module exporting `factory` (a {@link ClientFactory}). */
  readonly module: string;
  readonly factory: string;
  /** Structured-clonable options for the factory: ports, keys, paths. */
  readonly options: unknown;
  /** Connections the client opens: the most calls in flight at once. */
  readonly connections: number;
}

/** One call of the subject (one request or command sequence); `close` frees the connections. */
export interface LoadClient {
  call(): Promise<void>;
  close(): Promise<void>;
}

export type ClientFactory = (options: { readonly options: unknown; readonly connections: number }) => LoadClient | Promise<LoadClient>;

/** Closed loop: `concurrency` calls in flight, each followed at once by the next. */
export interface ClosedLoopRequest {
  readonly kind: 'closed';
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export type LoadRequest = ClosedLoopRequest | { readonly kind: 'close' };

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LoadResult {
  readonly calls: number;
  readonly elapsedMs: number;
  readonly latency: LatencySummary;
}

export type LoadReply = { readonly ok: true; readonly result: LoadResult } | { readonly ok: false; readonly error: string };
