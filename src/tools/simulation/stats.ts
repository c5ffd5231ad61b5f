import { PLAYER_LABELS, type PlayerLabel } from './model.js';

/**
 * Latency percentiles in constant memory: logarithmic buckets 5% wide from 0.05 ms to ~2 min, so a
 * long run at thousands of requests per second does not keep every sample, and a percentile is off
 * by at most one bucket (5%).
 */
export class LatencyHistogram {
  static readonly #MIN_MS = 0.05;
  static readonly #RATIO = 1.05;
  readonly #counts = new Array<number>(Math.ceil(Math.log(120_000 / LatencyHistogram.#MIN_MS) / Math.log(LatencyHistogram.#RATIO)) + 1).fill(0);
  #total = 0;
  #max = 0;

  record(ms: number): void {
    const raw = ms <= LatencyHistogram.#MIN_MS ? 0 : Math.ceil(Math.log(ms / LatencyHistogram.#MIN_MS) / Math.log(LatencyHistogram.#RATIO));
    const bucket = Math.min(raw, this.#counts.length - 1);
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1;
    this.#total += 1;
    this.#max = Math.max(this.#max, ms);
  }

  get count(): number {
    return this.#total;
  }

  get max(): number {
    return this.#max;
  }

  /** The upper bound of the bucket holding the p-th percentile (p in [0, 100]); undefined when empty. */
  percentile(p: number): number | undefined {
    if (this.#total === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#total));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i += 1) {
      seen += this.#counts[i] ?? 0;
      if (seen >= rank) return Math.min(LatencyHistogram.#MIN_MS * LatencyHistogram.#RATIO ** i, this.#max);
    }
    return this.#max;
  }
}

/** How one event fared. A number is the HTTP status of a refusal (the request's, or the event's in a batch). */
export type Outcome = 'accepted' | 'duplicate' | number | 'network' | 'error';

export interface Counters {
  sent: number;
  accepted: number;
  duplicate: number;
  /** 4xx other than 429, by status. */
  readonly clientErrors: Map<number, number>;
  rateLimited: number;
  serverErrors: number;
  network: number;
  /** Failures that are not HTTP outcomes at all (a bug in the driver or client); see `firstError`. */
  errors: number;
  readonly latency: LatencyHistogram;
}

export function newCounters(): Counters {
  return { sent: 0, accepted: 0, duplicate: 0, clientErrors: new Map(), rateLimited: 0, serverErrors: 0, network: 0, errors: 0, latency: new LatencyHistogram() };
}

function count(counters: Counters, outcome: Outcome): void {
  if (outcome === 'accepted') counters.accepted += 1;
  else if (outcome === 'duplicate') counters.duplicate += 1;
  else if (outcome === 'network') counters.network += 1;
  else if (outcome === 'error') counters.errors += 1;
  else if (outcome === 429) counters.rateLimited += 1;
  else if (outcome >= 500) counters.serverErrors += 1;
  else counters.clientErrors.set(outcome, (counters.clientErrors.get(outcome) ?? 0) + 1);
}

/** Counters for the whole run, for the current one-second interval, and per player label. */
export class RunStats {
  readonly total = newCounters();
  #interval = newCounters();
  readonly byLabel = new Map<PlayerLabel, Counters>(PLAYER_LABELS.map((label) => [label, newCounters()]));
  /** The first unexpected error, shown in the summary rather than swallowed. */
  firstError: string | undefined;
  /** The first refusal, e.g. a 401 from a wrong key, so a run that fails outright says why. */
  firstRefusal: string | undefined;
  /** Requests sent and not yet answered. */
  inFlight = 0;

  sent(label: PlayerLabel, events: number): void {
    for (const c of this.#all(label)) c.sent += events;
  }

  outcome(label: PlayerLabel, outcome: Outcome): void {
    for (const c of this.#all(label)) count(c, outcome);
  }

  /** One HTTP request's latency (a batch counts once). */
  latency(ms: number): void {
    this.total.latency.record(ms);
    this.#interval.latency.record(ms);
  }

  /** The counters since the last call, and a fresh interval. */
  takeInterval(): Counters {
    const interval = this.#interval;
    this.#interval = newCounters();
    return interval;
  }

  #all(label: PlayerLabel): Counters[] {
    const own = this.byLabel.get(label);
    return own === undefined ? [this.total, this.#interval] : [this.total, this.#interval, own];
  }
}

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 10 ? `${value.toFixed(2)}ms` : `${value.toFixed(0)}ms`;
}

function statuses(map: ReadonlyMap<number, number>): string {
  if (map.size === 0) return '0';
  return [...map.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}:${n}`)
    .join(',');
}

/** The live line: totals so far, rate and latency of the last interval. */
export function formatLive(options: { elapsedS: number; intervalS: number; total: Counters; interval: Counters; inFlight: number }): string {
  const { total, interval } = options;
  const rate = options.intervalS > 0 ? interval.sent / options.intervalS : 0;
  return [
    `[${options.elapsedS.toFixed(0).padStart(4)}s]`,
    `sent ${total.sent}`,
    `accepted ${total.accepted}`,
    `dup ${total.duplicate}`,
    `4xx ${statuses(total.clientErrors)}`,
    `429 ${total.rateLimited}`,
    `5xx ${total.serverErrors}`,
    ...(total.network + total.errors > 0 ? [`net ${total.network}`, `err ${total.errors}`] : []),
    `| ${rate.toFixed(1)}/s`,
    `p50 ${ms(interval.latency.percentile(50))}`,
    `p99 ${ms(interval.latency.percentile(99))}`,
    `in-flight ${options.inFlight}`,
  ].join(' ');
}

/** The final summary: totals, overall rate and latency, and outcomes per label (ground truth). */
export function formatFinal(options: { elapsedS: number; stats: RunStats; players: Readonly<Record<PlayerLabel, number>> }): string[] {
  const { total } = options.stats;
  const lat = total.latency;
  const lines = [
    `done in ${options.elapsedS.toFixed(1)} s: sent ${total.sent} events in ${lat.count} requests, ${(total.sent / Math.max(options.elapsedS, 0.001)).toFixed(1)}/s`,
    `  accepted ${total.accepted}, duplicate ${total.duplicate}, 4xx ${statuses(total.clientErrors)}, 429 ${total.rateLimited}, 5xx ${total.serverErrors}, network ${total.network}, other ${total.errors}`,
    `  latency p50 ${ms(lat.percentile(50))} p90 ${ms(lat.percentile(90))} p99 ${ms(lat.percentile(99))} max ${ms(lat.count === 0 ? undefined : lat.max)}`,
    `  by label     players   sent accepted    403    429 other-4xx`,
  ];
  for (const label of PLAYER_LABELS) {
    const c = options.stats.byLabel.get(label);
    if (c === undefined || options.players[label] === 0) continue;
    const forbidden = c.clientErrors.get(403) ?? 0;
    const other = [...c.clientErrors.entries()].reduce((sum, [status, n]) => (status === 403 ? sum : sum + n), 0);
    lines.push(
      `  ${label.padEnd(10)} ${String(options.players[label]).padStart(9)} ${String(c.sent).padStart(6)} ${String(c.accepted).padStart(8)} ${String(forbidden).padStart(6)} ${String(c.rateLimited).padStart(6)} ${String(other).padStart(9)}`,
    );
  }
  if (options.stats.firstRefusal !== undefined) lines.push(`  first refusal: ${options.stats.firstRefusal}`);
  if (options.stats.firstError !== undefined) lines.push(`  first error: ${options.stats.firstError}`);
  return lines;
}
