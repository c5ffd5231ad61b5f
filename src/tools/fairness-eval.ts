/**
 * `npm run fairness:eval [-- --players 2000 --cheaters 4% --duration 1800 --seed 7 --markdown]`:
 * measures fairness' detection quality on a labelled simulation (src/tools/simulation/model.ts)
 * with the settings from the environment (defaults otherwise), and prints precision, recall per
 * cheat kind and the honest players' false-positive rate. `--markdown` prints the table that
 * docs/fairness.md records.
 */
import { parseArgs } from 'node:util';
import { parseSettings } from '../core/config/settings.js';
import { buildPopulation, CHEATER_KINDS } from './simulation/model.js';
import { evaluate, type Evaluation } from './fairness/evaluate.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function table(result: Evaluation, run: string): string {
  const honest = result.byLabel.honest;
  const lines = [
    `Run: ${run}; ${result.events.toLocaleString('en-US')} events.`,
    '',
    '| players | count | recall (players detected) | events caught (of inflated/flood events) | blocked |',
    '|---|---|---|---|---|',
    ...CHEATER_KINDS.map((kind) => {
      const s = result.byLabel[kind];
      return `| ${kind} | ${s.players} | ${pct(ratio(s.detected, s.players))} | ${pct(ratio(s.cheatEventsCaught, s.cheatEvents))} | ${pct(ratio(s.blocked, s.players))} |`;
    }),
    `| honest | ${honest.players} | false positives: ${pct(ratio(honest.detected, honest.players))} of players (${honest.flaggedEvents + honest.droppedEvents} of ${honest.events.toLocaleString('en-US')} events) | — | ${pct(ratio(honest.blocked, honest.players))} |`,
    '',
    `Precision (detected players who are cheaters): ${pct(result.precision)}.`,
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      players: { type: 'string', default: '2000' },
      cheaters: { type: 'string', default: '4%' },
      duration: { type: 'string', default: '1800' },
      rate: { type: 'string', default: '200' },
      seed: { type: 'string', default: '7' },
      markdown: { type: 'boolean', default: false },
    },
  });
  const share = values.cheaters.endsWith('%') ? Number(values.cheaters.slice(0, -1)) / 100 : Number(values.cheaters);
  const options = { players: Number(values.players), durationS: Number(values.duration), rate: Number(values.rate), seed: Number(values.seed) };
  if (![share, ...Object.values(options)].every((v) => Number.isFinite(v) && v >= 0)) {
    process.stderr.write('fairness:eval: --players, --cheaters, --duration, --rate and --seed must be numbers\n');
    return 2;
  }
  const settings = parseSettings(process.env);
  const population = buildPopulation({ ...options, cheaterShare: share, startMs: Date.UTC(2026, 10, 25, 8) });
  const started = Date.now();
  const result = await evaluate({ population, settings });
  const run = `${options.players} players (${values.cheaters} cheaters), ${options.durationS} s at ${options.rate} events/s, seed ${options.seed}`;
  process.stdout.write(`${values.markdown ? table(result, run) : `${table(result, run)}\n\n(${((Date.now() - started) / 1000).toFixed(1)} s)`}\n`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`fairness:eval: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
