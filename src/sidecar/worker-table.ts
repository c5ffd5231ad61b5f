import { AggregatorRegistry } from 'prom-client';
import type { MetricSnapshot, MetricsPush } from '../adapters/metrics/push-protocol.js';

export interface WorkerTableOptions {
  /** A worker silent for longer than this many of its own push intervals is retired. */
  readonly staleIntervals: number;
  /**
   * How long a retired worker's counters are kept apart (so it can come back after a long pause
   * without being counted twice) before they are folded into one baseline.
   */
  readonly keepRetiredMs: number;
  readonly now: () => number;
}

interface LiveWorker {
  readonly metrics: readonly MetricSnapshot[];
  readonly intervalMs: number;
  readonly lastSeenMs: number;
}

interface RetiredWorker {
  readonly metrics: readonly MetricSnapshot[];
  readonly retiredAtMs: number;
}

/**
 * The sidecar's view of the pod's worker processes: each one's latest snapshot, merged on demand
 * with prom-client's `AggregatorRegistry.aggregate` (counters and histograms summed, gauges by
 * their own aggregator).
 *
 * Dropping a worker that went silent must not make the pod's counters go down: Prometheus reads
 * any decrease as a counter reset, and `rate()` would then count the survivors' whole totals
 * again, a spike that pages someone (the flag-rate alert). So a retired worker's cumulative
 * series (counters, histograms) stay in the sum; only its gauges, which describe a live process,
 * disappear. A retired worker that pushes again (a long GC pause, not a restart: restarts get a
 * new id) takes its place back instead of being counted twice.
 */
export class WorkerTable {
  readonly #o: WorkerTableOptions;
  readonly #live = new Map<string, LiveWorker>();
  readonly #retired = new Map<string, RetiredWorker>();
  #baseline: MetricSnapshot[] = [];
  #sweeping: Promise<number> | undefined;

  constructor(options: WorkerTableOptions) {
    this.#o = options;
  }

  accept(push: MetricsPush): void {
    const nowMs = this.#o.now();
    this.#retired.delete(push.workerId);
    if (push.final) {
      this.#live.delete(push.workerId);
      this.#retired.set(push.workerId, { metrics: cumulativeOnly(push.metrics), retiredAtMs: nowMs });
      return;
    }
    this.#live.set(push.workerId, { metrics: push.metrics, intervalMs: push.intervalMs, lastSeenMs: nowMs });
  }

  /**
   * Retires silent workers and compacts old retirees; returns how many workers were retired.
   * Concurrent callers (a scrape during the periodic sweep) share one run, so no compaction can
   * overwrite another's baseline.
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweepOnce().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<number> {
    const nowMs = this.#o.now();
    let retired = 0;
    for (const [id, worker] of this.#live) {
      if (nowMs - worker.lastSeenMs <= worker.intervalMs * this.#o.staleIntervals) continue;
      this.#live.delete(id);
      this.#retired.set(id, { metrics: cumulativeOnly(worker.metrics), retiredAtMs: nowMs });
      retired += 1;
    }
    const old = [...this.#retired].filter(([, w]) => nowMs - w.retiredAtMs > this.#o.keepRetiredMs);
    if (old.length > 0) {
      for (const [id] of old) this.#retired.delete(id);
      this.#baseline = await merge([this.#baseline, ...old.map(([, w]) => w.metrics)]);
    }
    return retired;
  }

  /** Every snapshot that belongs in the pod's sum: live workers, retirees and the baseline. */
  snapshots(): (readonly MetricSnapshot[])[] {
    return [...[...this.#live.values()].map((w) => w.metrics), ...[...this.#retired.values()].map((w) => w.metrics), this.#baseline];
  }

  get counts(): { readonly live: number; readonly retired: number } {
    return { live: this.#live.size, retired: this.#retired.size };
  }
}

/** Counters and histograms only: the series whose values are totals since the process started. */
function cumulativeOnly(metrics: readonly MetricSnapshot[]): MetricSnapshot[] {
  return metrics.filter((m) => m.type === 'counter' || m.type === 'histogram');
}

async function merge(parts: readonly (readonly MetricSnapshot[])[]): Promise<MetricSnapshot[]> {
  const merged: unknown = await AggregatorRegistry.aggregate([...parts]).getMetricsAsJSON();
  // aggregate() keeps each value's labels and metricName and every metric's type and aggregator.
  return merged as MetricSnapshot[];
}
