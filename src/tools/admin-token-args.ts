import { parseArgs } from 'node:util';
import { ADMIN_ROLES, ADMIN_TOKEN_MAX_TTL_S, STAFF_NAME, type AdminRole } from '../core/auth/admin-tokens.js';
import { resolveConnection, UsageError, usageErrors } from './cli.js';

export const ADMIN_TOKEN_USAGE = `Mint a staff bearer token for the admin routes and the console, and print it as JSON.

Usage: npm run admin-token -- --name <who> [--role admin|viewer] [--ttl 8h]

  --name <who>     who acts, as the audit trail will show it (token:<who>), e.g. alice@studio
  --role <role>    admin (acts) or viewer (reads only); default viewer
  --ttl <span>     lifetime: 8h, 30m, 3600 (seconds); default 8h, at most 24h
  --kid <kid>      the admin key (ADMIN_KEY_IDS) that mints; default $LIVEOPS_KID or dev
  --key <secret>   its HMAC_KEYS secret; default $LIVEOPS_KEY, or the published key for kid dev
  -h, --help

The token is signed here, offline, under a key derived from the admin key: the app accepts it
while that kid is in ADMIN_KEY_IDS. Then: curl -H "Authorization: Bearer <token>" …/api/admin/…`;

export interface AdminTokenCommand {
  readonly kid: string;
  readonly key: string;
  readonly name: string;
  readonly role: AdminRole;
  readonly ttlS: number;
}

export type AdminTokenArgs = { readonly help: true } | { readonly help: false; readonly command: AdminTokenCommand };

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** `8h`, `30m`, `90s` or plain seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d{1,6})([smh]?)$/.exec(text.trim());
  const unit = UNIT_S[match?.[2] === '' || match?.[2] === undefined ? 's' : match[2]];
  const ttlS = match === null || unit === undefined ? Number.NaN : Number(match[1]) * unit;
  if (!(ttlS > 0 && ttlS <= ADMIN_TOKEN_MAX_TTL_S)) throw new UsageError(`--ttl must be like 8h, 30m or 3600, from 1 s to ${ADMIN_TOKEN_MAX_TTL_S / 3600}h`);
  return ttlS;
}

export function parseAdminTokenArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): AdminTokenArgs {
  const { values } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        ttl: { type: 'string' },
        kid: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { help: true };
  const name = values.name ?? '';
  if (!STAFF_NAME.test(name)) throw new UsageError(`--name is required and must match ${STAFF_NAME.source} (see --help)`);
  const role = values.role ?? 'viewer';
  if (!(ADMIN_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ADMIN_ROLES.join(', ')}`);
  const { kid, key } = resolveConnection({ ...(values.kid === undefined ? {} : { kid: values.kid }), ...(values.key === undefined ? {} : { key: values.key }) }, env);
  return { help: false, command: { kid, key, name, role: role as AdminRole, ttlS: parseTtl(values.ttl ?? '8h') } };
}
