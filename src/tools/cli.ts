import { DEVELOPMENT_CLIENT_KEY, DEVELOPMENT_CLIENT_KID, DEVELOPMENT_HMAC_KEY, DEVELOPMENT_HMAC_KID } from '../core/config/settings-key-rings.js';
import { LiveOpsError } from '../client/index.js';

/** Shared plumbing of the `send` and `simulate` commands. */

export const DEFAULT_URL = 'http://localhost:7071';

/** A mistake in the command line or environment: printed as one line, exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Connection {
  readonly url: string;
  readonly kid: string;
  readonly key: string;
  /** The player token for a client key (`--token` / LIVEOPS_TOKEN); a server key needs none. */
  readonly token?: string;
}

/** The published keys by kid, so the dev ring works with no key given. */
const PUBLISHED: Readonly<Record<string, string>> = { [DEVELOPMENT_HMAC_KID]: DEVELOPMENT_HMAC_KEY, [DEVELOPMENT_CLIENT_KID]: DEVELOPMENT_CLIENT_KEY };

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable, with an empty value treated as unset (as shells and CI often leave them). */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Flags win over LIVEOPS_URL / LIVEOPS_KID / LIVEOPS_KEY, which win over the defaults: the local
 * embedded host and its published development key (kid `dev`), so `npm start` + `npm run send`
 * work with no setup. Any other kid needs its key given explicitly.
 */
export function resolveConnection(flags: { readonly url?: string; readonly kid?: string; readonly key?: string; readonly token?: string }, env: Env): Connection {
  const url = flags.url ?? envValue(env, 'LIVEOPS_URL') ?? DEFAULT_URL;
  const kid = flags.kid ?? envValue(env, 'LIVEOPS_KID') ?? DEVELOPMENT_HMAC_KID;
  const key = flags.key ?? envValue(env, 'LIVEOPS_KEY') ?? PUBLISHED[kid];
  if (key === undefined) throw new UsageError(`no key for kid '${kid}': set LIVEOPS_KEY (or pass --key)`);
  const token = flags.token ?? envValue(env, 'LIVEOPS_TOKEN');
  return { url, kid, key, ...(token === undefined ? {} : { token }) };
}

/**
 * The client key the simulator's players sign with (`--client-kid`/`--client-key`, else
 * LIVEOPS_CLIENT_KID/LIVEOPS_CLIENT_KEY, else the published `dev-client` key).
 */
export function resolveClientKey(flags: { readonly 'client-kid'?: string; readonly 'client-key'?: string }, env: Env): { readonly kid: string; readonly key: string } {
  const kid = flags['client-kid'] ?? envValue(env, 'LIVEOPS_CLIENT_KID') ?? DEVELOPMENT_CLIENT_KID;
  const key = flags['client-key'] ?? envValue(env, 'LIVEOPS_CLIENT_KEY') ?? PUBLISHED[kid];
  if (key === undefined) throw new UsageError(`no key for client kid '${kid}': set LIVEOPS_CLIENT_KEY (or pass --client-key)`);
  return { kid, key };
}

/** One line describing a failure, for stderr. */
export function describeFailure(error: unknown): string {
  if (error instanceof LiveOpsError) {
    const problem = error.problem;
    const fieldErrors = Array.isArray(problem?.errors) ? problem.errors.map(fieldError).filter((s) => s !== undefined) : [];
    const blocked = typeof problem?.blockedUntil === 'string' ? ` (blocked until ${problem.blockedUntil})` : '';
    const retry = error.retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(error.retryAfterMs / 1000)} s)`;
    return `${error.message}${fieldErrors.length > 0 ? ` — ${fieldErrors.join('; ')}` : ''}${blocked}${retry}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function fieldError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { path, message } = value as { path?: unknown; message?: unknown };
  return typeof path === 'string' && typeof message === 'string' ? `${path}: ${message}` : undefined;
}

export function writeOut(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function writeErr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Runs a command's main and turns its outcome into an exit code: a usage mistake or a failed call
 * is one line on stderr and exit 1; anything else is a bug, so it keeps its stack.
 */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError || error instanceof LiveOpsError) {
        writeErr(`${name}: ${describeFailure(error)}`);
      } else {
        writeErr(`${name}: unexpected error`);
        writeErr(error instanceof Error ? (error.stack ?? error.message) : String(error));
      }
      process.exitCode = 1;
    },
  );
}

/** Converts node:util parseArgs' TypeError (unknown option, missing value) into a UsageError. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error: unknown) {
    if (error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${error.message} (see --help)`);
    }
    throw error;
  }
}
