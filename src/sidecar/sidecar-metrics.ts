import { Gauge, type Registry } from 'prom-client';
import { counter } from '../adapters/metrics/metrics.js';
import type { WorkerTable } from './worker-table.js';

export interface SidecarMetrics {
  push(result: 'accepted' | 'rejected'): void;
  retired(count: number): void;
}

/**
 * The sidecar's own series, served beside the workers' merged ones: how many workers it hears
 * from (a pod whose live count is below FUNCTIONS_WORKER_PROCESS_COUNT is losing metrics), and
 * whether pushes arrive and are accepted.
 */
export function createSidecarMetrics(options: { readonly registry: Registry; readonly table: WorkerTable }): SidecarMetrics {
  const { registry, table } = options;
  new Gauge({
    name: 'liveops_sidecar_workers',
    help: 'Worker processes the metrics sidecar holds, live (pushing) or retired (silent; counters kept)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const { live, retired } = table.counts;
      this.set({ state: 'live' }, live);
      this.set({ state: 'retired' }, retired);
    },
  });
  const pushes = counter(registry, { name: 'liveops_sidecar_pushes_total', help: 'Metric pushes received from workers, by result', labelNames: ['result'] });
  const retiredTotal = counter(registry, { name: 'liveops_sidecar_workers_retired_total', help: 'Workers retired after going silent', labelNames: [] });
  return {
    push: (result) => {
      pushes.inc({ result });
    },
    retired: (count) => {
      retiredTotal.inc(count);
    },
  };
}
