import { parseArgs } from 'node:util';
import { EVENT_TYPES, type EventType, type GameEvent } from '../core/ingestion/envelope.js';
import { newEvent, type PayloadOf } from '../client/index.js';
import { resolveConnection, UsageError, usageErrors, type Connection } from './cli.js';

export const SEND_USAGE = `Send one signed event to the LiveOps gateway and print the response.

Usage: npm run send -- --type <type> --player <playerId> --payload '<json>' [options]

  --type <type>              ${EVENT_TYPES.join(' | ')}
  --player <playerId>        e.g. player_42
  --payload <json>           e.g. '{"bossId":"dragon","tier":3,"points":1500}'
  --url <url>                default $LIVEOPS_URL or http://localhost:7071
  --kid <kid>                default $LIVEOPS_KID or dev
  --key <secret>             default $LIVEOPS_KEY, or the published development key for kid dev
                             (or dev-client); prefer LIVEOPS_KEY: a flag shows up in shell history and ps
  --token <jwt>              default $LIVEOPS_TOKEN: the player token a client key needs
                             (npm run sessions -- --player <id> mints one with a server key)
  --idempotency-key <key>    default: a random UUID, reused by this command's retries
  --event-id <uuid>          re-send a known event (the gateway answers "duplicate")
  --season <n>               default: the server's current season
  --ts <epoch ms>            default: now (with --event-id and --idempotency-key, replays a request exactly)
  -h, --help

Exit status: 0 on 202, 1 with a one-line reason otherwise.`;

export interface SendCommand {
  readonly connection: Connection;
  readonly event: GameEvent;
  readonly idempotencyKey?: string;
}

export type SendArgs = { readonly help: true } | { readonly help: false; readonly command: SendCommand };

/** Parses the command line; throws UsageError with a one-line reason. */
export function parseSendArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, now: () => number = Date.now): SendArgs {
  const { values } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        type: { type: 'string' },
        player: { type: 'string' },
        payload: { type: 'string' },
        url: { type: 'string' },
        kid: { type: 'string' },
        key: { type: 'string' },
        token: { type: 'string' },
        'idempotency-key': { type: 'string' },
        'event-id': { type: 'string' },
        season: { type: 'string' },
        ts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { help: true };
  const type = required(values.type, '--type');
  if (!isEventType(type)) throw new UsageError(`--type must be one of ${EVENT_TYPES.join(', ')}`);
  const playerId = required(values.player, '--player');
  // The payload is whatever the developer typed: the gateway validates it, and seeing its 400 is
  // part of what this tool is for. So the casts below only claim the shape that --type asks for.
  const payload = parsePayload(required(values.payload, '--payload')) as PayloadOf<EventType>;
  const season = values.season === undefined ? undefined : Number(values.season);
  if (season !== undefined && !Number.isSafeInteger(season)) throw new UsageError('--season must be an integer');
  const ts = values.ts === undefined ? undefined : Number(values.ts);
  if (ts !== undefined && !Number.isSafeInteger(ts)) throw new UsageError('--ts must be epoch milliseconds');
  const event = newEvent(type, playerId, payload, {
    now: ts === undefined ? now : () => ts,
    ...(season === undefined ? {} : { season }),
    ...(values['event-id'] === undefined ? {} : { eventId: values['event-id'] }),
  });
  return {
    help: false,
    command: {
      connection: resolveConnection(values, env),
      event: event as GameEvent,
      ...(values['idempotency-key'] === undefined ? {} : { idempotencyKey: values['idempotency-key'] }),
    },
  };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required (see --help)`);
  return value;
}

function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** The payload as typed: any JSON object. Its fields are the gateway's to judge, not ours. */
function parsePayload(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UsageError(`--payload is not valid JSON: ${error.message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--payload must be a JSON object');
  return { ...parsed };
}
