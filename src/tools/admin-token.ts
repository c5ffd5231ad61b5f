/**
 * `npm run admin-token -- --name alice@studio --role admin --ttl 8h`: mints a staff bearer token
 * for /api/admin/* (and the console) with an admin key, offline, and prints
 * `{token, name, role, kid, expiresAt}`. See `--help`.
 */
import { mintAdminToken } from '../core/auth/admin-tokens.js';
import { runCli, writeOut } from './cli.js';
import { ADMIN_TOKEN_USAGE, parseAdminTokenArgs } from './admin-token-args.js';

runCli('admin-token', async () => {
  const args = parseAdminTokenArgs(process.argv.slice(2), process.env);
  if (args.help) {
    writeOut(ADMIN_TOKEN_USAGE);
    return 0;
  }
  const { kid, key, name, role, ttlS } = args.command;
  const minted = await mintAdminToken({ kid, hmacKey: Buffer.from(key), name, role, ttlS, nowMs: Date.now() });
  writeOut(JSON.stringify({ token: minted.token, name, role, kid, expiresAt: new Date(minted.expiresAtMs).toISOString() }));
  return 0;
});
