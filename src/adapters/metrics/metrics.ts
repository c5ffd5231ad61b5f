import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Get-or-create accessors for metrics in a registry. Handlers are built once per AppContext, but
 * tests build many contexts and several handlers share a metric; registering a name twice throws
 * in prom-client, so every user asks the registry first. Label values must be bounded (a route
 * template, a status, an event type), never a player or event id.
 */
export function counter<L extends string>(registry: Registry, options: { name: string; help: string; labelNames: readonly L[] }): Counter<L> {
  const existing = registry.getSingleMetric(options.name);
  if (existing instanceof Counter) return existing;
  if (existing !== undefined) throw new Error(`metric ${options.name} is registered with another type`);
  return new Counter({ name: options.name, help: options.help, labelNames: [...options.labelNames], registers: [registry] });
}

/** Seconds; buckets from 1 ms to 10 s suit both HTTP requests and message batches. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function histogram<L extends string>(
  registry: Registry,
  options: { name: string; help: string; labelNames: readonly L[]; buckets?: readonly number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(options.name);
  if (existing instanceof Histogram) return existing;
  if (existing !== undefined) throw new Error(`metric ${options.name} is registered with another type`);
  return new Histogram({
    name: options.name,
    help: options.help,
    labelNames: [...options.labelNames],
    buckets: [...(options.buckets ?? DURATION_BUCKETS)],
    registers: [registry],
  });
}

/**
 * A gauge computed at scrape time by `collect`. Like `counter`, asks the registry first: the
 * first registration's `collect` stays in place, so a gauge's state belongs to whoever built it
 * first in this registry (one AppContext, one registry).
 */
export function collectedGauge<L extends string>(
  registry: Registry,
  options: {
    name: string;
    help: string;
    labelNames: readonly L[];
    /** How the metrics sidecar merges worker processes (prom-client's default is `sum`). */
    aggregator?: 'sum' | 'min' | 'max' | 'average' | 'first' | 'omit';
    collect: (gauge: Gauge<L>) => void;
  },
): Gauge<L> {
  const existing = registry.getSingleMetric(options.name);
  if (existing instanceof Gauge) return existing;
  if (existing !== undefined) throw new Error(`metric ${options.name} is registered with another type`);
  const { collect } = options;
  return new Gauge({
    name: options.name,
    help: options.help,
    labelNames: [...options.labelNames],
    registers: [registry],
    ...(options.aggregator === undefined ? {} : { aggregator: options.aggregator }),
    collect() {
      collect(this);
    },
  });
}
