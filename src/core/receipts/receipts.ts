import { CompactSign, compactVerify, decodeProtectedHeader, errors } from 'jose';
import type { KeyRing } from '../config/key-ring.js';

/** DESIGN §2: the claims of a receipt. Times are JWT NumericDate (seconds). */
export interface ReceiptClaims {
  readonly jti: string;
  readonly sub: string;
  readonly rwd: string;
  readonly item: string;
  readonly qty: number;
  readonly season: number;
  readonly iat: number;
  readonly exp: number;
}

export const RECEIPT_TYPE = 'liveops-receipt+jwt';

/** `not_issued` and `revoked` need the store (see Progression.verify); the rest come from the JWS alone. */
export type InvalidReason = 'malformed' | 'bad_signature' | 'unknown_key' | 'expired' | 'not_issued' | 'revoked';
export type Verification = { readonly valid: true; readonly kid: string; readonly claims: ReceiptClaims } | { readonly valid: false; readonly reason: InvalidReason };

/**
 * Receipts as compact JWS (RFC 7515), HS256 with the RECEIPT_KEYS ring: `kid` in the header picks
 * the key, so keys rotate by adding a new kid, making it RECEIPT_ACTIVE_KID, and retiring the old
 * one only once its receipts have expired. Any standard JWT library can verify one.
 */
export async function signReceipt(options: { readonly keys: KeyRing; readonly kid: string; readonly claims: ReceiptClaims }): Promise<string> {
  const key = options.keys.get(options.kid);
  if (key === undefined) throw new Error(`receipt key '${options.kid}' is not in RECEIPT_KEYS`);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(options.claims)))
    .setProtectedHeader({ alg: 'HS256', kid: options.kid, typ: RECEIPT_TYPE })
    .sign(key);
}

/**
 * Checks a receipt's form, key, signature and expiry (revocation needs the store, see the caller).
 * Never throws for a bad receipt: every failure is a reason.
 */
export async function verifyReceipt(options: { readonly keys: KeyRing; readonly jws: string; readonly nowMs: number }): Promise<Verification> {
  let kid: string;
  try {
    const header = decodeProtectedHeader(options.jws);
    if (header.alg !== 'HS256' || header.typ !== RECEIPT_TYPE || typeof header.kid !== 'string') return { valid: false, reason: 'malformed' };
    kid = header.kid;
  } catch (error: unknown) {
    if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return { valid: false, reason: 'malformed' };
    throw error;
  }
  const key = options.keys.get(kid);
  if (key === undefined) return { valid: false, reason: 'unknown_key' };
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(options.jws, key, { algorithms: ['HS256'] }));
  } catch (error: unknown) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return { valid: false, reason: 'bad_signature' };
    if (error instanceof errors.JOSEError) return { valid: false, reason: 'malformed' };
    throw error;
  }
  const claims = parseClaims(payload);
  if (claims === undefined) return { valid: false, reason: 'malformed' };
  if (claims.exp * 1000 <= options.nowMs) return { valid: false, reason: 'expired' };
  return { valid: true, kid, claims };
}

function parseClaims(payload: Uint8Array): ReceiptClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(payload));
  } catch (error: unknown) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  const strings = ['jti', 'sub', 'rwd', 'item'].every((k) => typeof c[k] === 'string');
  const numbers = ['qty', 'season', 'iat', 'exp'].every((k) => typeof c[k] === 'number' && Number.isFinite(c[k]));
  return strings && numbers ? (value as ReceiptClaims) : undefined;
}
