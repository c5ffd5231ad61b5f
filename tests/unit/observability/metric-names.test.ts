import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { functions } from '../../../src/functions/catalog.js';
import { createSidecarMetrics } from '../../../src/sidecar/sidecar-metrics.js';
import { WorkerTable } from '../../../src/sidecar/worker-table.js';
import { testApp } from '../../support/app.js';
import { alertRules, dashboardExpressions } from './observability-files.js';
import { metricNamesIn } from './promql-names.js';

/**
 * Dashboards cannot rot silently: every metric the Grafana dashboard and the alert rules read is
 * one the code exports (collected from a live AppContext with every catalogue handler built), one
 * still being written (PLANNED), or one of the external exporters' (EXTERNAL).
 */

/**
 * PLANNED: read by the dashboard and the alerts before the code exports them. Remove a name as
 * soon as its code lands (the test below says when).
 */
const PLANNED = new Set<string>([]);

/** EXTERNAL: series of other exporters, by source; the names are those exporters' own. */
const EXTERNAL = new Set([
  // KEDA operator (k8s-keda/observability/keda-podmonitor.yaml): queue and subscription depth.
  'keda_scaler_metrics_value',
  // node_exporter on the MySQL VM, through Alloy (k8s-keda/observability/alloy/mysql-vm.alloy).
  'node_cpu_seconds_total',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
  'node_disk_io_time_seconds_total',
  // mysqld_exporter on the MySQL VM (its series are named mysql_*).
  'mysql_up',
  'mysql_global_status_threads_connected',
  'mysql_global_variables_max_connections',
  'mysql_global_status_queries',
  'mysql_global_status_slow_queries',
  'mysql_global_status_innodb_row_lock_waits',
  // Prometheus' own scrape health, here of Alloy's jobs on the VM.
  'up',
]);

/** Every series name the app exports: catalogue handlers built so their metrics register, plus the sidecar's own. */
async function exportedNames(): Promise<Set<string>> {
  const { app } = testApp();
  for (const definition of functions) definition.handler(app);
  const sidecar = new Registry();
  createSidecarMetrics({ registry: sidecar, table: new WorkerTable({ staleIntervals: 3, keepRetiredMs: 1, now: Date.now }) });
  const metrics = [...(await app.metrics.getMetricsAsJSON()), ...(await sidecar.getMetricsAsJSON())];
  await app.close();
  const names = new Set<string>();
  for (const metric of metrics) {
    const type = String(metric.type);
    const series = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    for (const suffix of series) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

function usedNames(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (where: string, expr: string): void => {
    for (const name of metricNamesIn(expr)) used.set(name, [...(used.get(name) ?? []), where]);
  };
  for (const { where, expr } of dashboardExpressions()) add(where, expr);
  for (const rule of alertRules()) add(`alert ${rule.alert}`, rule.expr);
  return used;
}

describe('metric names in the dashboard and the alert rules', () => {
  it('are all exported by the code, planned, or from a listed external exporter', async () => {
    const exported = await exportedNames();
    const unknown = [...usedNames()].filter(([name]) => !exported.has(name) && !PLANNED.has(name) && !EXTERNAL.has(name));
    expect(unknown.map(([name, where]) => `${name} (${where.join('; ')})`), 'metrics nobody exports').toEqual([]);
  });

  it('read the app\'s RED metrics of every kind of function', () => {
    const used = usedNames();
    for (const name of ['liveops_http_requests_total', 'liveops_http_request_duration_seconds_bucket', 'liveops_messages_total', 'liveops_message_batch_duration_seconds_bucket']) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('keep PLANNED honest: nothing planned is exported yet, and every allow-listed name is used', async () => {
    const exported = await exportedNames();
    const landed = [...PLANNED].filter((name) => exported.has(name));
    expect(landed, 'exported now: remove these from PLANNED in this test').toEqual([]);
    const used = usedNames();
    expect([...PLANNED, ...EXTERNAL].filter((name) => !used.has(name)), 'allow-listed but never used').toEqual([]);
  });
});

describe('metricNamesIn', () => {
  it('finds metrics, not functions, labels, keywords or Grafana variables', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (function, le) (rate(liveops_http_request_duration_seconds_bucket{namespace="$namespace",function!~"a|b"}[$__rate_interval])))')).toEqual([
      'liveops_http_request_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('sum(rate(a_total[1d] offset 10m)) / sum(b_total) > 3 * c and on (pod) d == bool 1e3')).toEqual(['a_total', 'b_total', 'c', 'd']);
    expect(metricNamesIn('absent(up{job="x"} == 1) or mysql_up')).toEqual(['up', 'mysql_up']);
    expect(metricNamesIn('label_values(liveops_sidecar_workers, namespace)')).toEqual(['liveops_sidecar_workers']);
  });
});
