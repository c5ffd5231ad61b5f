import { importJWK, type JWK, type KeyLike } from 'jose';
import type { ExternalKeys } from '../../core/auth/player-tokens.js';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import type { Logger } from '../../core/logging/logger.js';

export interface RemoteJwksOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** A key set older than this is refreshed in the background while its keys keep serving. */
  readonly maxAgeMs?: number;
  /**
   * Least time between two reads of the endpoint caused by unknown kids or failures, so random
   * kids from an attacker cannot make us hammer the studio's identity provider.
   */
  readonly cooldownMs?: number;
  readonly timeoutMs?: number;
}

interface CachedKey {
  readonly key: KeyLike | Uint8Array;
  readonly alg: string;
}

const KTY_OF: Readonly<Record<string, { kty: string; crv?: string }>> = { RS256: { kty: 'RSA' }, ES256: { kty: 'EC', crv: 'P-256' } };

/**
 * The studio's JWKS, cached per process (DESIGN §2a). A kid we hold is always served from
 * memory, even while the endpoint is down; an unknown kid reads the endpoint again (rotation),
 * at most once per cooldown; only a kid we do not hold while the endpoint is unreachable is a
 * DependencyUnavailableError, so an IdP outage never turns a good cached key into a 503.
 */
export function createRemoteJwks(options: RemoteJwksOptions): ExternalKeys {
  const fetchImpl = options.fetch ?? fetch;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  let keys = new Map<string, CachedKey>();
  let loadedAtMs: number | undefined;
  let lastAttemptMs = Number.NEGATIVE_INFINITY;
  let lastFailed = false;
  let loading: Promise<void> | undefined;

  const load = (nowMs: number): Promise<void> =>
    (loading ??= (async () => {
      lastAttemptMs = nowMs;
      try {
        keys = await readKeySet({ url: options.url, fetch: fetchImpl, timeoutMs, logger: options.logger });
        loadedAtMs = nowMs;
        lastFailed = false;
      } catch (error: unknown) {
        lastFailed = true;
        throw error;
      } finally {
        loading = undefined;
      }
    })());

  const unavailable = (nowMs: number, cause?: unknown): DependencyUnavailableError =>
    new DependencyUnavailableError({ dependency: 'player-token-jwks', retryAfterS: Math.max(1, Math.ceil((lastAttemptMs + cooldownMs - nowMs) / 1000)), cause });

  const find = (kid: string | undefined, alg: string): CachedKey | undefined => {
    if (kid !== undefined) {
      const found = keys.get(kid);
      return found !== undefined && found.alg === alg ? found : undefined;
    }
    // A token without a kid is acceptable only when the set leaves no choice.
    const candidates = [...keys.values()].filter((k) => k.alg === alg);
    return candidates.length === 1 ? candidates[0] : undefined;
  };

  return {
    key: async ({ kid, alg, nowMs }) => {
      const cached = find(kid, alg);
      if (cached !== undefined) {
        if (loadedAtMs !== undefined && nowMs - loadedAtMs > maxAgeMs && nowMs - lastAttemptMs > cooldownMs) {
          load(nowMs).catch((error: unknown) => {
            options.logger.warn('player token JWKS refresh failed; serving the cached keys', { err: error });
          });
        }
        return cached.key;
      }
      if (nowMs - lastAttemptMs < cooldownMs) {
        // Read recently: a good read means the kid really is unknown; a failed one, still down.
        if (lastFailed) throw unavailable(nowMs);
        return undefined;
      }
      try {
        await load(nowMs);
      } catch (error: unknown) {
        throw unavailable(nowMs, error);
      }
      return find(kid, alg)?.key;
    },
  };
}

async function readKeySet(options: { readonly url: string; readonly fetch: typeof fetch; readonly timeoutMs: number; readonly logger: Logger }): Promise<Map<string, CachedKey>> {
  const response = await options.fetch(options.url, { signal: AbortSignal.timeout(options.timeoutMs), headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
  const body: unknown = await response.json();
  const list = typeof body === 'object' && body !== null && 'keys' in body && Array.isArray(body.keys) ? (body.keys as unknown[]) : undefined;
  if (list === undefined) throw new Error('JWKS document has no keys array');
  const keys = new Map<string, CachedKey>();
  for (const entry of list) {
    const jwk = usableJwk(entry);
    if (jwk === undefined) continue;
    try {
      keys.set(jwk.kid, { alg: jwk.alg, key: await importJWK(jwk.jwk, jwk.alg) });
    } catch (error: unknown) {
      options.logger.warn('skipping a JWKS key that does not import', { kid: jwk.kid, err: error });
    }
  }
  return keys;
}

/** Signing keys of the algorithms we accept, with their algorithm settled (from `alg` or `kty`). */
function usableJwk(entry: unknown): { readonly kid: string; readonly alg: string; readonly jwk: JWK } | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const jwk = entry as JWK;
  if (typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) return undefined;
  const alg = jwk.alg ?? Object.entries(KTY_OF).find(([, shape]) => shape.kty === jwk.kty && (shape.crv === undefined || shape.crv === jwk.crv))?.[0];
  if (alg === undefined) return undefined;
  const shape = KTY_OF[alg];
  if (shape === undefined || shape.kty !== jwk.kty || (shape.crv !== undefined && shape.crv !== jwk.crv)) return undefined;
  return { kid: jwk.kid, alg, jwk };
}
