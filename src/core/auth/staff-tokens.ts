import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { ADMIN_ROLES, STAFF_NAME, verifyAdminToken, type AdminRole, type AdminTokenRing, type AdminTokenState } from './admin-tokens.js';
import type { ExternalKeys } from './player-tokens.js';
import { tokenFailureOf } from './player-tokens.js';

const IDP_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'ES256']);
/** Longer than any real JWT; refused before any parsing work. */
const MAX_TOKEN_CHARS = 8192;

export interface StaffIdentityProvider {
  readonly keys: ExternalKeys;
  readonly issuer: string;
  /** STAFF_TOKEN_AUDIENCE: the audience of the console's app registration, never the players'. */
  readonly audience: string;
  /** STAFF_TOKEN_ROLE_CLAIM: a string or an array of strings holding `admin` or `viewer`. */
  readonly roleClaim: string;
  /** STAFF_TOKEN_NAME_CLAIM: who acts, for the audit trail (e.g. `email`). */
  readonly nameClaim: string;
}

export type StaffTokenState = (AdminTokenState & { readonly state: 'invalid' }) | (Extract<AdminTokenState, { state: 'valid' }> & { readonly by: string });

/**
 * Staff bearer tokens on the admin routes (issue #18): ours (`npm run admin-token`, HS256 under a
 * key derived from an admin key, audited `token:<name>`) and, when STAFF_TOKEN_AUDIENCE is set,
 * the studio identity provider's (RS256/ES256 from the players' JWKS and issuer, with a role
 * claim; audited `idp:<name>`). As with player tokens the `alg` picks the path and each path
 * takes only its own algorithms, so neither `alg: none` nor HS/RS confusion gets through.
 */
export class StaffTokens {
  constructor(private readonly options: { readonly ring: AdminTokenRing; readonly idp?: StaffIdentityProvider }) {}

  async verify(token: string, nowMs: number): Promise<StaffTokenState> {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return { state: 'invalid', reason: 'malformed' };
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch (error: unknown) {
      if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return { state: 'invalid', reason: 'malformed' };
      throw error;
    }
    const { idp } = this.options;
    if (typeof alg === 'string' && IDP_ALGORITHMS.has(alg) && idp !== undefined) return verifyIdp({ token, alg, kid: typeof kid === 'string' ? kid : undefined, idp, nowMs });
    const own = await verifyAdminToken({ token, ring: this.options.ring, nowMs });
    return own.state === 'valid' ? { ...own, by: `token:${own.name}` } : own;
  }
}

async function verifyIdp(options: { readonly token: string; readonly alg: string; readonly kid: string | undefined; readonly idp: StaffIdentityProvider; readonly nowMs: number }): Promise<StaffTokenState> {
  const { idp } = options;
  // Throws DependencyUnavailableError (a 503) when the JWKS is unreachable and the key not cached.
  const key = await idp.keys.key({ kid: options.kid, alg: options.alg, nowMs: options.nowMs });
  if (key === undefined) return { state: 'invalid', reason: 'unknown-key' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(options.token, key, { algorithms: [options.alg], issuer: idp.issuer, audience: idp.audience, requiredClaims: ['exp'], currentDate: new Date(options.nowMs) }));
  } catch (error: unknown) {
    return { state: 'invalid', reason: tokenFailureOf(error) };
  }
  const name = payload[idp.nameClaim];
  const role = roleOf(payload[idp.roleClaim]);
  if (typeof name !== 'string' || !STAFF_NAME.test(name) || role === undefined || typeof payload.exp !== 'number') return { state: 'invalid', reason: 'claims' };
  return { state: 'valid', kid: 'idp', name, role, jti: typeof payload.jti === 'string' ? payload.jti : '', expMs: payload.exp * 1000, by: `idp:${name}` };
}

/** `admin` wins over `viewer` when a staff member holds both; anything else is no role. */
function roleOf(claim: unknown): AdminRole | undefined {
  const values = Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : typeof claim === 'string' ? [claim] : [];
  return ADMIN_ROLES.find((role) => values.includes(role));
}
