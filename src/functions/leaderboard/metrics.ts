import { performance } from 'node:perf_hooks';
import { collectedGauge, counter, histogram } from '../../adapters/metrics/metrics.js';
import type { AppContext } from '../../app/app-context.js';
import type { WriterObserver } from '../../core/leaderboard/writer.js';

/**
 * Leaderboard metrics (DESIGN §8). Labels are bounded: board ids come from settings, windows and
 * results are fixed sets. Query latency per route is the HTTP wrapper's
 * `liveops_http_request_duration_seconds{function,route}`.
 */
export function writerObserver(app: AppContext): WriterObserver {
  const updates = counter(app.metrics, {
    name: 'liveops_leaderboard_updates_total',
    help: 'Leaderboard updates by board, window and result (applied, clamped, duplicate, closed, invalid_value, out_of_period)',
    labelNames: ['board', 'window', 'result'],
  });
  return { result: ({ board, window, result }) => { updates.inc({ board, window, result }); } };
}

export interface SnapshotMetrics {
  /** Starts timing one run; the returned function counts it by outcome and records the time of runs that did the work. */
  start(trigger: 'timer' | 'admin'): (outcome: 'ok' | 'busy' | 'failed') => void;
  /** The newest successful snapshot known to this worker (its own or another replica's). */
  succeededAt(ms: number): void;
  closed(window: string, count: number): void;
  prizesGranted(count: number): void;
}

/** One per AppContext: the timer and the admin route feed the same age gauge. */
const snapshotMetricsByApp = new WeakMap<AppContext, SnapshotMetrics>();

export function snapshotMetrics(app: AppContext): SnapshotMetrics {
  let metrics = snapshotMetricsByApp.get(app);
  if (metrics === undefined) {
    metrics = createSnapshotMetrics(app);
    snapshotMetricsByApp.set(app, metrics);
  }
  return metrics;
}

/** Age of the last successful snapshot as a gauge: absent until one is known, then now − that instant. */
function createSnapshotMetrics(app: AppContext): SnapshotMetrics {
  const duration = histogram(app.metrics, { name: 'liveops_leaderboard_snapshot_duration_seconds', help: 'Leaderboard snapshot run duration by trigger', labelNames: ['trigger'] });
  const runs = counter(app.metrics, { name: 'liveops_leaderboard_snapshot_runs_total', help: 'Leaderboard snapshot runs by trigger and outcome (ok, busy: another replica held the lock, failed)', labelNames: ['trigger', 'outcome'] });
  const closed = counter(app.metrics, { name: 'liveops_leaderboard_closed_periods_total', help: 'Leaderboard periods closed and archived (hall of fame) by window', labelNames: ['window'] });
  const prizes = counter(app.metrics, { name: 'liveops_leaderboard_prizes_granted_total', help: 'Leaderboard prizes granted (new grants only)', labelNames: [] });
  let lastSuccessMs: number | undefined;
  collectedGauge(app.metrics, {
    name: 'liveops_leaderboard_snapshot_age_seconds',
    help: 'Seconds since the last successful leaderboard snapshot (by any replica, as last seen by this worker)',
    labelNames: ['scope'],
    // The sidecar merges worker processes: the freshest worker's age is the pod's, not their sum.
    aggregator: 'min',
    collect: (gauge) => {
      // A labelled gauge reports nothing until set, so a worker that has never seen a snapshot
      // shows no sample rather than a misleading 0.
      if (lastSuccessMs !== undefined) gauge.set({ scope: 'cluster' }, Math.max(0, (app.now() - lastSuccessMs) / 1000));
    },
  });
  return {
    start: (trigger) => {
      const started = performance.now();
      return (outcome) => {
        runs.inc({ trigger, outcome });
        // A replica that stepped aside did no snapshot; its near-zero time would only blur the histogram.
        if (outcome !== 'busy') duration.observe({ trigger }, (performance.now() - started) / 1000);
      };
    },
    succeededAt: (ms) => {
      if (lastSuccessMs === undefined || ms > lastSuccessMs) lastSuccessMs = ms;
    },
    closed: (window, count) => { if (count > 0) closed.inc({ window }, count); },
    prizesGranted: (count) => { if (count > 0) prizes.inc(count); },
  };
}
