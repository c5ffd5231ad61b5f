import { z } from 'zod';

/**
 * What a worker process pushes to the pod's metrics sidecar (src/sidecar): its prom-client
 * registry as `registry.getMetricsAsJSON()` returns it, plus who it is and how often it pushes,
 * so the sidecar can tell a silent worker from a slow one without sharing a setting.
 *
 * The sidecar only listens on the pod's loopback interface, but it still validates every field:
 * a malformed push must be refused whole, never half-merged into the pod's series.
 */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Push intervals the sidecar accepts; outside these a worker is misconfigured. */
export const PUSH_INTERVAL_MS = { min: 100, max: 300_000 } as const;

const metricValue = z.object({
  // JSON has no NaN: prom-client's NaN gauges (an event-loop mean before any sample) arrive as null.
  value: z.number().nullable().transform((v) => v ?? Number.NaN),
  labels: z.record(z.string().regex(LABEL_NAME), z.union([z.string().max(1024), z.number()])),
  metricName: z.string().regex(METRIC_NAME).optional(),
});

const metricSnapshot = z.object({
  name: z.string().regex(METRIC_NAME),
  help: z.string().max(4096),
  type: z.enum(['counter', 'gauge', 'histogram', 'summary']),
  aggregator: z.enum(['sum', 'first', 'min', 'max', 'average', 'omit']).default('sum'),
  values: z.array(metricValue).max(100_000),
});

export const metricsPushSchema = z.object({
  workerId: z.string().min(1).max(200),
  intervalMs: z.int().min(PUSH_INTERVAL_MS.min).max(PUSH_INTERVAL_MS.max),
  /** The worker is stopping: fold its counters in now instead of waiting for it to go stale. */
  final: z.boolean().default(false),
  metrics: z.array(metricSnapshot).max(10_000),
});

export type MetricSnapshot = z.output<typeof metricSnapshot>;
export type MetricsPush = z.output<typeof metricsPushSchema>;
/** What a worker sends (before the sidecar's defaults and NaN mapping apply). */
export type MetricsPushBody = z.input<typeof metricsPushSchema>;
