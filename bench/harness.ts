import { performance } from 'node:perf_hooks';
import type { LatencySummary } from './load/protocol.js';
import type { RemoteLoad } from './load/remote.js';

/**
 * A tiny benchmark harness. Speed goals are RATIOS against a baseline measured in the same run
 * (docs/benchmarks.md): the machines are shared and noisy, so absolute times say little, but a
 * candidate and its baseline measured side by side see the same noise. To resist it, the two are
 * measured in several alternating rounds (B C, C B, B C, …) and medians are taken.
 */

interface SubjectBase {
  readonly name: string;
  /** How many operations (requests, messages…) one call performs; default 1. */
  readonly opsPerRun?: number;
  /** Calls kept in flight at once (a closed-loop load); default 1. */
  readonly concurrency?: number;
}

/**
 * One thing to time. Either `run`, one unit of work called back to back in this process (and,
 * with `concurrency`, in parallel), or `remote`, a client on a load worker thread
 * (bench/load/), for a server in this process that a real client would not share a thread with.
 */
export type Subject = SubjectBase & ({ readonly run: () => Promise<void>; readonly remote?: undefined } | { readonly remote: RemoteLoad; readonly run?: undefined });

/**
 * A latency goal, checked with the ratio: the median over the rounds of the candidate's p99 in
 * the closed loop of the measurement itself (`concurrency` calls in flight), measured by its
 * client on the load worker thread. Needs a `remote` candidate. An open loop (requests at a fixed
 * rate) would be the better probe of a service's tail, but on the shared 2-vCPU machines here it
 * measures the machine: a bare node:http server showed p99 from 1.5 to 21 ms under one
 * (docs/benchmarks.md).
 */
export interface LatencyGoal {
  readonly name: string;
  readonly maxP99Ms: number;
}

/** Met when candidate ops/s ÷ baseline ops/s (the median of the per-round ratios) is at least `minRatio`. */
export interface Goal {
  readonly name: string;
  readonly minRatio: number;
}

/** The subjects of one benchmark, with whatever they need running (servers, buses…). */
export interface Fixture {
  readonly baseline: Subject;
  readonly candidate: Subject;
  /** Always called, also after a failure, so servers and buses never keep the process alive. */
  close(): Promise<void>;
}

export interface Benchmark {
  /** Used on the command line: `npm run bench -- <name>`. */
  readonly name: string;
  readonly description: string;
  /** What one operation is, e.g. `request` or `message`. */
  readonly unit: string;
  readonly goal: Goal;
  readonly latencyGoal?: LatencyGoal;
  readonly rounds?: number;
  readonly warmupMs?: number;
  readonly durationMs?: number;
  readonly primeMs?: number;
  setup(): Promise<Fixture>;
}

export type MeasureOptions = Subject & {
  /** Untimed calls first (JIT, caches, keep-alive sockets), so every measurement starts warm. */
  readonly warmupMs: number;
  readonly durationMs: number;
};

export interface Measurement {
  readonly name: string;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  /** Per-call latency of the timed part (remote subjects, which measure it on their own thread). */
  readonly latency?: LatencySummary;
}

/** Calls the subject for `warmupMs` untimed, then for `durationMs` timed, and reports ops/s. */
export async function measure(options: MeasureOptions): Promise<Measurement> {
  const concurrency = options.concurrency ?? 1;
  const opsPerRun = options.opsPerRun ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`${options.name}: concurrency must be an integer >= 1`);
  if (!(opsPerRun > 0)) throw new Error(`${options.name}: opsPerRun must be > 0`);
  if (options.remote !== undefined) {
    const { calls, elapsedMs, latency } = await options.remote.closedLoop({ concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs });
    return { name: options.name, ops: calls * opsPerRun, elapsedMs, opsPerSec: elapsedMs > 0 ? (calls * opsPerRun * 1000) / elapsedMs : 0, latency };
  }
  await loop(options.run, concurrency, options.warmupMs);
  const start = performance.now();
  const runs = await loop(options.run, concurrency, options.durationMs);
  // Includes the tail: the calls still in flight at the deadline are waited for and counted.
  const elapsedMs = performance.now() - start;
  const ops = runs * opsPerRun;
  return { name: options.name, ops, elapsedMs, opsPerSec: elapsedMs > 0 ? (ops * 1000) / elapsedMs : 0 };
}

/** Keeps `concurrency` calls in flight until `durationMs` has passed (at least one call each); returns the calls made. */
async function loop(run: () => Promise<void>, concurrency: number, durationMs: number): Promise<number> {
  const deadline = performance.now() + durationMs;
  let runs = 0;
  const worker = async (): Promise<void> => {
    do {
      await run();
      runs += 1;
    } while (performance.now() < deadline);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return runs;
}

export interface CompareOptions {
  readonly baseline: Subject;
  readonly candidate: Subject;
  readonly rounds: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /**
   * Untimed runs of each subject before round 1, on top of every measurement's own warm-up: the
   * first seconds of a process are dominated by JIT compilation and lazy module loading.
   */
  readonly primeMs?: number;
  /** Called after each measurement, e.g. to print progress. */
  readonly onMeasurement?: (round: number, measurement: Measurement) => void;
}

export interface SubjectStats {
  readonly name: string;
  readonly medianOpsPerSec: number;
  readonly opsPerSec: readonly number[];
  /** Remote subjects: the median over rounds of each round's p99. */
  readonly medianP99Ms?: number;
}

export interface Comparison {
  readonly baseline: SubjectStats;
  readonly candidate: SubjectStats;
  /** Candidate ÷ baseline ops/s of each round (the two measured back to back). */
  readonly roundRatios: readonly number[];
  /** The median of `roundRatios`: the figure goals are checked against. */
  readonly ratio: number;
}

/**
 * Measures baseline and candidate in `rounds` rounds, every other one running the candidate first
 * (B C, C B, …), so neither always gets the warmer or the quieter slot. The ratio is the median of the
 * per-round ratios: each pairs two measurements taken moments apart, so a burst of noise from a
 * neighbour spoils one round, not the result.
 */
export async function compare(options: CompareOptions): Promise<Comparison> {
  if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error('rounds must be an integer >= 1');
  const baseline: number[] = [];
  const candidate: number[] = [];
  const p99s = { baseline: [] as number[], candidate: [] as number[] };
  const roundRatios: number[] = [];
  const primeMs = options.primeMs ?? 0;
  if (primeMs > 0) {
    for (const which of ['baseline', 'candidate'] as const) await measure({ ...options[which], warmupMs: 0, durationMs: primeMs });
  }
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const);
    const result = { baseline: 0, candidate: 0 };
    for (const which of order) {
      const measurement = await measure({ ...options[which], warmupMs: options.warmupMs, durationMs: options.durationMs });
      result[which] = measurement.opsPerSec;
      if (measurement.latency !== undefined) p99s[which].push(measurement.latency.p99Ms);
      options.onMeasurement?.(round, measurement);
    }
    baseline.push(result.baseline);
    candidate.push(result.candidate);
    roundRatios.push(result.baseline > 0 ? result.candidate / result.baseline : 0);
  }
  const stats = (which: 'baseline' | 'candidate', rates: number[]): SubjectStats => ({
    name: options[which].name,
    medianOpsPerSec: median(rates),
    opsPerSec: rates,
    ...(p99s[which].length > 0 ? { medianP99Ms: median(p99s[which]) } : {}),
  });
  return {
    baseline: stats('baseline', baseline),
    candidate: stats('candidate', candidate),
    roundRatios,
    ratio: median(roundRatios),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

export interface BenchmarkResult {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly rounds: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly primeMs: number;
  readonly baseline: SubjectStats;
  readonly candidate: SubjectStats;
  readonly roundRatios: readonly number[];
  readonly ratio: number;
  readonly goal: Goal;
  readonly latency?: LatencyResult;
  /** The ratio goal and, when there is one, the latency goal. */
  readonly passed: boolean;
}

export interface LatencyResult {
  readonly goal: LatencyGoal;
  /** The median over the rounds of the candidate's p99. */
  readonly p99Ms: number;
  readonly passed: boolean;
}

function latencyOf(goal: LatencyGoal, candidate: SubjectStats): LatencyResult {
  const p99Ms = candidate.medianP99Ms;
  if (p99Ms === undefined) throw new Error(`${candidate.name}: a latency goal needs a remote candidate, which measures its latency`);
  return { goal, p99Ms, passed: p99Ms <= goal.maxP99Ms };
}

export interface RunOptions {
  /** Overrides every benchmark's own round count. */
  readonly rounds?: number;
  /** Progress lines (not results); default: nothing. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_ROUNDS = 9;
export const DEFAULT_WARMUP_MS = 150;
export const DEFAULT_DURATION_MS = 500;
export const DEFAULT_PRIME_MS = 1_000;

/** Runs one benchmark: set up, compare, and always close the fixture. */
export async function runBenchmark(benchmark: Benchmark, options: RunOptions = {}): Promise<BenchmarkResult> {
  const rounds = options.rounds ?? benchmark.rounds ?? DEFAULT_ROUNDS;
  const warmupMs = benchmark.warmupMs ?? DEFAULT_WARMUP_MS;
  const durationMs = benchmark.durationMs ?? DEFAULT_DURATION_MS;
  const primeMs = benchmark.primeMs ?? DEFAULT_PRIME_MS;
  const log = options.log ?? (() => undefined);
  log(`${benchmark.name}: ${primeMs} ms priming each, then ${rounds} rounds × 2 subjects × (${warmupMs} ms warm-up + ${durationMs} ms timed)`);
  const fixture = await benchmark.setup();
  let comparison: Comparison;
  let latency: LatencyResult | undefined;
  try {
    comparison = await compare({
      baseline: fixture.baseline,
      candidate: fixture.candidate,
      rounds,
      warmupMs,
      durationMs,
      primeMs,
      onMeasurement: (round, m) => {
        const p99 = m.latency === undefined ? '' : `  p50 ${m.latency.p50Ms.toFixed(2)} ms, p99 ${m.latency.p99Ms.toFixed(2)} ms`;
        log(`  round ${round + 1}/${rounds}  ${m.name.padEnd(36)} ${formatRate(m.opsPerSec)} ${benchmark.unit}/s${p99}`);
      },
    });
    if (benchmark.latencyGoal !== undefined) latency = latencyOf(benchmark.latencyGoal, comparison.candidate);
  } finally {
    await fixture.close();
  }
  return {
    name: benchmark.name,
    description: benchmark.description,
    unit: benchmark.unit,
    rounds,
    warmupMs,
    durationMs,
    primeMs,
    ...comparison,
    goal: benchmark.goal,
    ...(latency === undefined ? {} : { latency }),
    passed: comparison.ratio >= benchmark.goal.minRatio && (latency?.passed ?? true),
  };
}

export function formatRate(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

/** A plain-text table, one row per benchmark. */
export function formatTable(results: readonly BenchmarkResult[]): string {
  const header = ['benchmark', 'baseline', 'candidate', 'ratio', 'round ratios', 'goal', 'result'];
  const rows = results.map((r) => [
    r.name,
    `${formatRate(r.baseline.medianOpsPerSec)} ${r.unit}/s`,
    `${formatRate(r.candidate.medianOpsPerSec)} ${r.unit}/s`,
    r.ratio.toFixed(3),
    `${Math.min(...r.roundRatios).toFixed(3)}–${Math.max(...r.roundRatios).toFixed(3)}`,
    `≥ ${r.goal.minRatio}`,
    r.passed ? 'ok' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  lines.push('');
  for (const r of results) {
    lines.push(`${r.name}: ${r.description}`);
    lines.push(`  baseline:  ${r.baseline.name}`);
    lines.push(`  candidate: ${r.candidate.name}`);
    const ratioMet = r.ratio >= r.goal.minRatio;
    lines.push(`  goal:      ${r.goal.name} (ratio ≥ ${r.goal.minRatio}) → ${ratioMet ? 'met' : 'MISSED'}`);
    if (r.latency !== undefined) lines.push(`  latency:   ${r.latency.goal.name} (median p99 ≤ ${r.latency.goal.maxP99Ms} ms) → ${r.latency.p99Ms.toFixed(2)} ms, ${r.latency.passed ? 'met' : 'MISSED'}`);
    if (r.candidate.medianP99Ms !== undefined) lines.push(`  p99 (median over rounds): candidate ${r.candidate.medianP99Ms.toFixed(2)} ms, baseline ${r.baseline.medianP99Ms?.toFixed(2) ?? '?'} ms`);
  }
  return lines.join('\n');
}
