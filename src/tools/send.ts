/**
 * `npm run send -- --type boss_kill --player player_42 --payload '{"bossId":"dragon","tier":3,"points":1500}'`
 * Sends one signed event with the TypeScript client (so retries and idempotency behave as in a
 * game) and prints the gateway's JSON answer. See `--help`.
 */
import { LiveOpsClient } from '../client/index.js';
import { runCli, writeOut } from './cli.js';
import { parseSendArgs, SEND_USAGE } from './send-args.js';

runCli('send', async () => {
  const args = parseSendArgs(process.argv.slice(2), process.env);
  if (args.help) {
    writeOut(SEND_USAGE);
    return 0;
  }
  const { connection, event, idempotencyKey } = args.command;
  const client = new LiveOpsClient({ baseUrl: connection.url, kid: connection.kid, key: connection.key, ...(connection.token === undefined ? {} : { token: connection.token }) });
  const result = await client.sendEvent(event, idempotencyKey === undefined ? {} : { idempotencyKey });
  writeOut(JSON.stringify(result));
  return 0;
});
