/**
 * `npm run sessions -- --player player_42 [--ttl 600]`: mints a player session token with a
 * server key (POST /api/sessions) and prints `{token, playerId, expiresAt}`, e.g. for
 * `LIVEOPS_TOKEN=… npm run send -- --kid dev-client …`. See `--help`.
 */
import { LiveOpsClient } from '../client/index.js';
import { runCli, writeOut } from './cli.js';
import { parseSessionsArgs, SESSIONS_USAGE } from './sessions-args.js';

runCli('sessions', async () => {
  const args = parseSessionsArgs(process.argv.slice(2), process.env);
  if (args.help) {
    writeOut(SESSIONS_USAGE);
    return 0;
  }
  const { connection, playerId, ttlS } = args.command;
  const server = new LiveOpsClient({ baseUrl: connection.url, kid: connection.kid, key: connection.key });
  writeOut(JSON.stringify(await server.createSession(playerId, ttlS === undefined ? {} : { ttlS })));
  return 0;
});
