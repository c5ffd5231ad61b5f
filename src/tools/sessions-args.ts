import { parseArgs } from 'node:util';
import { resolveConnection, UsageError, usageErrors, type Connection } from './cli.js';

export const SESSIONS_USAGE = `Mint a player session token with a server key (POST /api/sessions) and print it as JSON.

Usage: npm run sessions -- --player <playerId> [options]

  --player <playerId>  the player the token acts for, e.g. player_42
  --ttl <seconds>      lifetime (default: the server's PLAYER_TOKEN_TTL_S, which is also the longest)
  --url <url>          default $LIVEOPS_URL or http://localhost:7071
  --kid <kid>          a server key (SERVER_KEY_IDS); default $LIVEOPS_KID or dev
  --key <secret>       default $LIVEOPS_KEY, or the published development key for kid dev
  -h, --help

Then, as the game client would:  LIVEOPS_TOKEN=<token> npm run send -- --kid dev-client --type progression …`;

export interface SessionsCommand {
  readonly connection: Connection;
  readonly playerId: string;
  readonly ttlS?: number;
}

export type SessionsArgs = { readonly help: true } | { readonly help: false; readonly command: SessionsCommand };

export function parseSessionsArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SessionsArgs {
  const { values } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        player: { type: 'string' },
        ttl: { type: 'string' },
        url: { type: 'string' },
        kid: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { help: true };
  if (values.player === undefined || values.player === '') throw new UsageError('--player is required (see --help)');
  const ttlS = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlS !== undefined && !(Number.isSafeInteger(ttlS) && ttlS > 0)) throw new UsageError('--ttl must be a positive integer (seconds)');
  return {
    help: false,
    command: { connection: resolveConnection(values, env), playerId: values.player, ...(ttlS === undefined ? {} : { ttlS }) },
  };
}
