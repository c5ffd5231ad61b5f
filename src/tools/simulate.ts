/**
 * `npm run simulate -- --players 1000 --rate 500 --cheaters 2%`: sends the seeded traffic model
 * (`simulation/model.ts`) to a running app and reports what the gateway made of it, per second
 * and per ground-truth label. See `--help`.
 */
import { LiveOpsClient } from '../client/index.js';
import { runCli, writeErr, writeOut } from './cli.js';
import { parseSimulateArgs, SIMULATE_USAGE } from './simulate-args.js';
import { drive } from './simulation/driver.js';
import { PlayerClients } from './simulation/player-clients.js';
import { DEFAULT_CLIENT_EVENT_TYPES } from '../core/config/settings-player-tokens.js';
import { buildPopulation, countLabels, generateTraffic } from './simulation/model.js';
import { formatFinal, formatLive, RunStats } from './simulation/stats.js';

runCli('simulate', async () => {
  const startMs = Date.now();
  const args = parseSimulateArgs(process.argv.slice(2), process.env, startMs);
  if (args.help) {
    writeOut(SIMULATE_USAGE);
    return 0;
  }
  const c = args.command;
  const population = buildPopulation({ seed: c.seed, players: c.players, rate: c.rate, cheaterShare: c.cheaterShare, durationS: c.durationS, startMs, runId: c.runId });
  const labels = countLabels(population);
  writeOut(
    `simulate: ${c.players} players (honest ${labels.honest}, spike ${labels.spike}, flood ${labels.flood}, ramp ${labels.ramp}, newbie ${labels.newbie}), ` +
      `target ${c.rate}/s for ${c.durationS} s, as ${c.as === 'client' ? `clients (${c.clientKey.kid} + session tokens)` : `server (${c.connection.kid})`}, ${c.batchSize === 0 ? 'single events' : `batches of ≤${c.batchSize}`}, seed ${c.seed}, run id ${c.runId}, ${c.connection.url}`,
  );
  if (population.expectedRate < 0.9 * c.rate) {
    writeErr(`simulate: ${c.players} players produce about ${population.expectedRate.toFixed(0)}/s at human pace; add --players to reach ${c.rate}/s`);
  }

  // No retries: a load generator that retried would hide the 429s and 503s it exists to show.
  const server = new LiveOpsClient({ baseUrl: c.connection.url, kid: c.connection.kid, key: c.connection.key, maxRetries: 0 });
  const client =
    c.as === 'server'
      ? server
      : new PlayerClients({ server, client: { baseUrl: c.connection.url, ...c.clientKey, maxRetries: 0 }, clientEventTypes: DEFAULT_CLIENT_EVENT_TYPES });
  const stats = new RunStats();
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) {
      writeErr('simulate: interrupted again, exiting without waiting');
      process.exit(130);
    }
    writeErr('simulate: stopping; waiting for requests in flight (Ctrl-C again to quit now)');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const began = performance.now();
  let lastTick = began;
  const reporter = setInterval(() => {
    const tick = performance.now();
    writeOut(formatLive({ elapsedS: (tick - began) / 1000, intervalS: (tick - lastTick) / 1000, total: stats.total, interval: stats.takeInterval(), inFlight: stats.inFlight }));
    lastTick = tick;
  }, 1000);
  try {
    await drive({ client, traffic: generateTraffic(population), startMs, batchSize: c.batchSize, concurrency: c.concurrency, stats, signal: stop.signal });
  } finally {
    clearInterval(reporter);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const line of formatFinal({ elapsedS: (performance.now() - began) / 1000, stats, players: labels })) writeOut(line);
  const { total } = stats;
  // Nothing got through (wrong key, wrong URL, server down): fail, so scripts and CI notice.
  return total.sent > 0 && total.accepted + total.duplicate === 0 ? 1 : 0;
});
