import { createHmac, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { KeyRing } from '../config/key-ring.js';
import type { TokenFailure } from './access.js';
import { tokenFailureOf } from './player-tokens.js';

/**
 * Staff bearer tokens for the admin routes (issue #18 item 2): a browser cannot hold an HMAC key,
 * so an operator mints a short-lived JWT with an admin key (`npm run admin-token`) and the console
 * sends it as `Authorization: Bearer`. HS256 under a key *derived* from the admin kid's HMAC
 * secret, so a token's MAC can never be mistaken for a request signature, nor the reverse; its
 * own audience, so a player token is never an admin token. Stateless: revoking every token of a
 * key means rotating that key; keep lifetimes to a shift.
 */
export const ADMIN_TOKEN_ISSUER = 'liveops';
export const ADMIN_TOKEN_AUDIENCE = 'liveops-admin';
/** The longest lifetime a token may have: one working day. */
export const ADMIN_TOKEN_MAX_TTL_S = 24 * 3600;
export const ADMIN_ROLES = ['admin', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];
/** Who the token names in the audit trail: an email-ish handle, never free text. */
export const STAFF_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;
const MAX_TOKEN_CHARS = 4096;

/** The same reasons as a player token's (rendered as `token-invalid` with `reason`). */
export type AdminTokenFailure = TokenFailure;

export type AdminTokenState =
  | { readonly state: 'valid'; readonly kid: string; readonly name: string; readonly role: AdminRole; readonly jti: string; readonly expMs: number }
  | { readonly state: 'invalid'; readonly reason: AdminTokenFailure };

/** The HS256 key of the admin tokens minted under `kid`'s HMAC secret (domain-separated). */
export function adminTokenKey(hmacKey: Uint8Array): Uint8Array {
  return createHmac('sha256', hmacKey).update('liveops admin token v1').digest();
}

export interface AdminTokenRing {
  /** The HMAC ring (HMAC_KEYS) and which of its kids are admin keys (ADMIN_KEY_IDS). */
  readonly keys: KeyRing;
  readonly adminKeyIds: readonly string[];
}

export async function mintAdminToken(options: {
  readonly kid: string;
  readonly hmacKey: Uint8Array;
  readonly name: string;
  readonly role: AdminRole;
  readonly ttlS: number;
  readonly nowMs: number;
}): Promise<{ readonly token: string; readonly name: string; readonly role: AdminRole; readonly expiresAtMs: number }> {
  if (!STAFF_NAME.test(options.name)) throw new Error(`admin token: name must match ${STAFF_NAME.source}`);
  if (!(Number.isInteger(options.ttlS) && options.ttlS > 0 && options.ttlS <= ADMIN_TOKEN_MAX_TTL_S)) throw new Error(`admin token: ttl must be 1..${ADMIN_TOKEN_MAX_TTL_S} s`);
  const iat = Math.floor(options.nowMs / 1000);
  const exp = iat + options.ttlS;
  const token = await new SignJWT({ role: options.role })
    .setProtectedHeader({ alg: 'HS256', kid: options.kid, typ: 'JWT' })
    .setIssuer(ADMIN_TOKEN_ISSUER)
    .setAudience(ADMIN_TOKEN_AUDIENCE)
    .setSubject(options.name)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(adminTokenKey(options.hmacKey));
  return { token, name: options.name, role: options.role, expiresAtMs: exp * 1000 };
}

/** Never throws for a bad token: every failure is a reason. */
export async function verifyAdminToken(options: { readonly token: string; readonly ring: AdminTokenRing; readonly nowMs: number }): Promise<AdminTokenState> {
  const { token, ring } = options;
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return invalid('malformed');
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(token);
  } catch (error: unknown) {
    if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return invalid('malformed');
    throw error;
  }
  if (header.alg !== 'HS256') return invalid('algorithm');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  // Only a key that is an admin key today mints valid tokens: removing a kid from ADMIN_KEY_IDS
  // ends its tokens at once.
  const hmacKey = kid === undefined || !ring.adminKeyIds.includes(kid) ? undefined : ring.keys.get(kid);
  if (kid === undefined || hmacKey === undefined) return invalid('unknown-key');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, adminTokenKey(hmacKey), {
      algorithms: ['HS256'],
      issuer: ADMIN_TOKEN_ISSUER,
      audience: ADMIN_TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub', 'jti'],
      currentDate: new Date(options.nowMs),
      maxTokenAge: ADMIN_TOKEN_MAX_TTL_S,
    }));
  } catch (error: unknown) {
    return invalid(tokenFailureOf(error));
  }
  const { sub, jti, exp, role } = payload;
  if (typeof sub !== 'string' || !STAFF_NAME.test(sub) || typeof jti !== 'string' || typeof exp !== 'number' || !isRole(role)) return invalid('claims');
  return { state: 'valid', kid, name: sub, role, jti, expMs: exp * 1000 };
}

function isRole(value: unknown): value is AdminRole {
  return typeof value === 'string' && (ADMIN_ROLES as readonly string[]).includes(value);
}

function invalid(reason: AdminTokenFailure): AdminTokenState {
  return { state: 'invalid', reason };
}
