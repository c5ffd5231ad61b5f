import { cpus } from 'node:os';
import { embeddedHttp } from './embedded-http.bench.js';
import { type Benchmark, type BenchmarkResult, formatTable, runBenchmark } from './harness.js';
import { memoryBus } from './memory-bus.bench.js';
import { fairnessBench } from './fairness.bench.js';
import { progressionBench } from './progression.bench.js';
import { ingest, ingestBatch } from './ingest.bench.js';
import { ingestClient } from './ingest-client.bench.js';
import { leaderboardBenchmarks } from './leaderboard.bench.js';

/**
 * `npm run bench [-- [--json] [--report-only] [--rounds=N] [name…]]`: runs every benchmark (or
 * the named ones) and checks each goal. Exit code 1 when a goal is missed, unless --report-only;
 * 2 on a usage error. With --json the results go to stdout as JSON; progress always goes to stderr.
 */
const benchmarks: readonly Benchmark[] = [embeddedHttp, memoryBus, ingest, ingestBatch, ingestClient, fairnessBench, progressionBench, ...leaderboardBenchmarks];

const USAGE = `usage: npm run bench -- [--json] [--report-only] [--rounds=N] [name...]
benchmarks: ${benchmarks.map((b) => b.name).join(', ')}`;

/** A name selects its benchmark, and a family prefix its members: `leaderboard` → `leaderboard-apply`, … */
function selects(name: string, benchmark: string): boolean {
  return benchmark === name || benchmark.startsWith(`${name}-`);
}

interface Args {
  readonly json: boolean;
  readonly reportOnly: boolean;
  readonly rounds: number | undefined;
  readonly names: readonly string[];
}

function parseArgs(argv: readonly string[]): Args | string {
  let json = false;
  let reportOnly = false;
  let rounds: number | undefined;
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '--report-only') reportOnly = true;
    else if (arg.startsWith('--rounds=')) {
      rounds = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(rounds) || rounds < 1) return `--rounds needs an integer >= 1, got "${arg}"`;
    } else if (arg === '--help' || arg === '-h') return '';
    else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else if (!benchmarks.some((b) => selects(arg, b.name))) return `unknown benchmark "${arg}"`;
    else names.push(arg);
  }
  return { json, reportOnly, rounds, names };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    if (args !== '') console.error(args);
    console.error(USAGE);
    return args === '' ? 0 : 2;
  }
  const selected = args.names.length === 0 ? benchmarks : benchmarks.filter((b) => args.names.some((name) => selects(name, b.name)));
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const results: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    results.push(await runBenchmark(benchmark, { log, ...(args.rounds === undefined ? {} : { rounds: args.rounds }) }));
  }
  const passed = results.every((r) => r.passed);
  const environment = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
  if (args.json) {
    console.log(JSON.stringify({ date: new Date().toISOString(), environment, passed, results }, null, 2));
  } else {
    console.log(`\nNode ${environment.node} on ${environment.platform}, ${environment.cpus} × ${environment.cpuModel}\n`);
    console.log(formatTable(results));
    if (!passed) console.log(args.reportOnly ? '\nA goal was missed (--report-only: exit code 0).' : '\nA goal was missed.');
  }
  return passed || args.reportOnly ? 0 : 1;
}

main().then(
  (code) => {
    // exitCode, not exit(): a server or bus left open would keep the process alive, and we want to notice.
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
