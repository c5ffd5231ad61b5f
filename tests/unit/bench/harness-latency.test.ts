import { describe, expect, it } from 'vitest';
import { type Benchmark, formatTable, runBenchmark } from '../../../bench/harness.js';
import type { LoadResult } from '../../../bench/load/protocol.js';
import type { RemoteLoad } from '../../../bench/load/remote.js';

/** A remote subject that reports given closed-loop results, round after round. */
function scripted(results: readonly { calls: number; p99Ms: number }[]): RemoteLoad & { readonly asked: number[] } {
  const asked: number[] = [];
  let round = 0;
  return {
    asked,
    closedLoop: ({ concurrency }) => {
      asked.push(concurrency);
      const next = results[round % results.length];
      round += 1;
      if (next === undefined) throw new Error('no scripted result');
      const result: LoadResult = { calls: next.calls, elapsedMs: 1000, latency: { count: next.calls, p50Ms: next.p99Ms / 2, p99Ms: next.p99Ms, maxMs: next.p99Ms * 2 } };
      return Promise.resolve(result);
    },
    close: () => Promise.resolve(),
  };
}

function benchmark(options: { candidateP99s: readonly number[]; maxP99Ms: number }): Benchmark {
  return {
    name: 'fake',
    description: 'scripted remote subjects',
    unit: 'req',
    rounds: 3,
    warmupMs: 0,
    durationMs: 1,
    primeMs: 0,
    goal: { name: 'half the baseline', minRatio: 0.5 },
    latencyGoal: { name: 'tail', maxP99Ms: options.maxP99Ms },
    setup: () => Promise.resolve({
      candidate: { name: 'candidate', concurrency: 4, remote: scripted(options.candidateP99s.map((p99Ms) => ({ calls: 800, p99Ms }))) },
      baseline: { name: 'baseline', concurrency: 4, remote: scripted([{ calls: 1000, p99Ms: 1 }]) },
      close: () => Promise.resolve(),
    }),
  };
}

describe('runBenchmark with a latency goal', () => {
  it('checks the median over rounds of the candidate p99, so one noisy round does not decide', async () => {
    const result = await runBenchmark(benchmark({ candidateP99s: [4, 30, 4.5], maxP99Ms: 5 }), { log: () => undefined });
    expect(result.ratio).toBeCloseTo(0.8);
    expect(result.latency).toMatchObject({ p99Ms: 4.5, passed: true });
    expect(result.passed).toBe(true);
    expect(formatTable([result])).toContain('4.50 ms, met');
  });

  it('fails the benchmark when the median p99 is over the goal, even with the ratio met', async () => {
    const result = await runBenchmark(benchmark({ candidateP99s: [6, 30, 4], maxP99Ms: 5 }), { log: () => undefined });
    expect(result.ratio).toBeGreaterThanOrEqual(0.5);
    expect(result.latency).toMatchObject({ p99Ms: 6, passed: false });
    expect(result.passed).toBe(false);
    expect(formatTable([result])).toContain('6.00 ms, MISSED');
  });
});
