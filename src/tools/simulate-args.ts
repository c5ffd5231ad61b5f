import { parseArgs } from 'node:util';
import { resolveClientKey, resolveConnection, UsageError, usageErrors, type Connection } from './cli.js';

export const SIMULATE_USAGE = `Drive a running LiveOps app with seeded, labelled game traffic: honest players of varied skill
and habits, and cheaters (x10 spikes, floods, slow ramps, boosted new accounts).

Usage: npm run simulate -- [options]

  --players <n>        players (default 100)
  --rate <n>           target events per second, all players together (default 50)
  --cheaters <share>   share of cheating players: 2% or 0.02 (default 2%)
  --duration <s>       seconds to run (default 60, at most 86400)
  --batch <n>          0: one POST /api/events per event (default); n: POST /api/events/batch with up to n events
  --seed <n>           PRNG seed (default 42): same seed, same players, cheaters and events
  --run-id <id>        namespaces player and event ids (default: derived from the start time, so
                       reruns do not collide); repeat a run id to replay a run's exact events
  --concurrency <n>    most requests in flight (default 256)
  --url, --kid, --key  the game server's key, as for npm run send (defaults: $LIVEOPS_URL,
                       $LIVEOPS_KID, $LIVEOPS_KEY, the dev key); it mints each player's token
  --as <client|server> client (default): each player sends its own progression and drop events
                       with the client key and its session token, the game server the boss kills
                       and match results; server: everything signed with the server key
  --client-kid, --client-key
                       the client key (defaults: $LIVEOPS_CLIENT_KID, $LIVEOPS_CLIENT_KEY, dev-client)
  -h, --help

Prints a summary line every second and a final summary; Ctrl-C stops sending, waits for the
requests in flight and prints the final summary (Ctrl-C twice quits at once). Requests are not
retried, so every 429 and 503 shows in the counts.`;

export interface SimulateCommand {
  readonly connection: Connection;
  /** `client`: players sign with the client key and their own token; `server`: all with the server key. */
  readonly as: 'client' | 'server';
  readonly clientKey: { readonly kid: string; readonly key: string };
  readonly players: number;
  readonly rate: number;
  readonly cheaterShare: number;
  readonly durationS: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly runId: string;
  readonly concurrency: number;
}

export type SimulateArgs = { readonly help: true } | { readonly help: false; readonly command: SimulateCommand };

export function parseSimulateArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, nowMs: number): SimulateArgs {
  const { values } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        players: { type: 'string', default: '100' },
        rate: { type: 'string', default: '50' },
        cheaters: { type: 'string', default: '2%' },
        duration: { type: 'string', default: '60' },
        batch: { type: 'string', default: '0' },
        seed: { type: 'string', default: '42' },
        'run-id': { type: 'string' },
        concurrency: { type: 'string', default: '256' },
        url: { type: 'string' },
        kid: { type: 'string' },
        key: { type: 'string' },
        as: { type: 'string', default: 'client' },
        'client-kid': { type: 'string' },
        'client-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { help: true };
  const runId = values['run-id'] ?? `r${Math.floor(nowMs / 1000).toString(36)}`;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(runId)) throw new UsageError('--run-id must be 1-40 letters, digits, _ or -');
  if (values.as !== 'client' && values.as !== 'server') throw new UsageError(`--as must be client or server, got '${values.as}'`);
  return {
    help: false,
    command: {
      connection: resolveConnection(values, env),
      as: values.as,
      clientKey: resolveClientKey(values, env),
      players: integer('--players', values.players, { min: 1, max: 1_000_000 }),
      rate: number('--rate', values.rate, { min: 0.1, max: 1_000_000 }),
      cheaterShare: parseShare(values.cheaters),
      durationS: number('--duration', values.duration, { min: 1, max: 86_400 }),
      batchSize: integer('--batch', values.batch, { min: 0, max: 10_000 }),
      seed: integer('--seed', values.seed, { min: 0, max: 2 ** 32 - 1 }),
      runId,
      concurrency: integer('--concurrency', values.concurrency, { min: 1, max: 10_000 }),
    },
  };
}

/** `2%` → 0.02 and `0.02` → 0.02; a bare number above 1 is refused rather than guessed at. */
export function parseShare(text: string): number {
  const percent = text.trim().endsWith('%');
  const value = Number(percent ? text.trim().slice(0, -1) : text);
  const share = percent ? value / 100 : value;
  if (text.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new UsageError(`--cheaters must be a percentage (2%) or a fraction in [0, 1] (0.02), got '${text}'`);
  }
  return share;
}

function number(flag: string, text: string, range: { min: number; max: number }): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw new UsageError(`${flag} must be a number in [${range.min}, ${range.max}], got '${text}'`);
  }
  return value;
}

function integer(flag: string, text: string, range: { min: number; max: number }): number {
  const value = number(flag, text, range);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be an integer, got '${text}'`);
  return value;
}
