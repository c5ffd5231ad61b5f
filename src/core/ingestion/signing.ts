import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing (DESIGN §2):
 *   X-Signature: t=<unix seconds>,kid=<key id>,v1=<hex>
 *   v1 = hex(HMAC-SHA256(key[kid], "v1\n" + t + "\n" + METHOD + "\n" + path + "\n" + hex(SHA-256(body))))
 * `path` is the request path with its query string exactly as sent. Admin writes (every admin route
 * but GET) add a sixth line, "\n" + their Idempotency-Key: a captured admin request then cannot be
 * sent again under a fresh key, so a replay within the signing window gets the stored answer
 * instead of undoing a newer action (issue #19 item 3). Shared by the gateway (verify),
 * the TypeScript client, the CLI and the simulator (sign), so both sides build one canonical string.
 */
export const SIGNATURE_HEADER = 'X-Signature';

export interface SigningInput {
  /** Unix seconds. */
  readonly t: number;
  readonly method: string;
  /** Path and query exactly as sent, e.g. `/api/events` or `/api/admin/quarantine?playerId=p1`. */
  readonly path: string;
  readonly body: Uint8Array;
  /** The Idempotency-Key, signed as a sixth line; only admin writes sign one. */
  readonly idempotencyKey?: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `bodySha256Hex` may be given when the caller hashed the body already (the gateway needs it twice). */
export function canonicalString(input: SigningInput & { readonly bodySha256Hex?: string }): string {
  const bodyHash = input.bodySha256Hex ?? sha256Hex(input.body);
  const head = `v1\n${input.t}\n${input.method.toUpperCase()}\n${input.path}\n${bodyHash}`;
  return input.idempotencyKey === undefined ? head : `${head}\n${input.idempotencyKey}`;
}

export function signatureMac(key: Uint8Array, input: SigningInput & { readonly bodySha256Hex?: string }): string {
  return createHmac('sha256', key).update(canonicalString(input)).digest('hex');
}

/** The `X-Signature` header value for a request. */
export function signRequest(options: SigningInput & { readonly kid: string; readonly key: Uint8Array }): string {
  return `t=${options.t},kid=${options.kid},v1=${signatureMac(options.key, options)}`;
}

export interface ParsedSignature {
  readonly t: number;
  readonly kid: string;
  readonly v1: string;
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
const HEX_MAC = /^[0-9a-f]{64}$/;

/** Parses the header; `undefined` when it is not exactly `t=…,kid=…,v1=…` with valid parts. */
export function parseSignatureHeader(value: string): ParsedSignature | undefined {
  const parts = new Map<string, string>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim();
    if (parts.has(name)) return undefined;
    parts.set(name, part.slice(eq + 1).trim());
  }
  const t = parts.get('t');
  const kid = parts.get('kid');
  const v1 = parts.get('v1');
  if (parts.size !== 3 || t === undefined || kid === undefined || v1 === undefined) return undefined;
  if (!/^\d{1,12}$/.test(t) || !KID.test(kid) || !HEX_MAC.test(v1)) return undefined;
  return { t: Number(t), kid, v1 };
}

export type SignatureFailure = 'missing' | 'malformed' | 'unknown-key' | 'stale' | 'mismatch';

export type SignatureVerdict = { readonly ok: true; readonly kid: string } | { readonly ok: false; readonly reason: SignatureFailure };

/**
 * Verifies a request's signature. Checks run cheapest first and the MAC is compared in constant
 * time; the reason distinguishes the failures for the client (each is its own problem type), but
 * none reveals anything about the key.
 */
export function verifySignature(options: {
  readonly header: string | null | undefined;
  readonly lookupKey: (kid: string) => Uint8Array | undefined;
  readonly method: string;
  readonly path: string;
  readonly body: Uint8Array;
  /** sha256Hex(body), when the caller computed it already. */
  readonly bodySha256Hex?: string;
  /** The Idempotency-Key the signature must cover (admin writes). */
  readonly idempotencyKey?: string;
  /** Unix seconds. */
  readonly nowS: number;
  readonly toleranceS: number;
}): SignatureVerdict {
  if (options.header === null || options.header === undefined || options.header.trim() === '') return { ok: false, reason: 'missing' };
  const parsed = parseSignatureHeader(options.header);
  if (parsed === undefined) return { ok: false, reason: 'malformed' };
  const key = options.lookupKey(parsed.kid);
  if (key === undefined) return { ok: false, reason: 'unknown-key' };
  if (Math.abs(options.nowS - parsed.t) > options.toleranceS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(
    signatureMac(key, {
      t: parsed.t,
      method: options.method,
      path: options.path,
      body: options.body,
      ...(options.bodySha256Hex === undefined ? {} : { bodySha256Hex: options.bodySha256Hex }),
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    }),
    'hex',
  );
  const given = Buffer.from(parsed.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true, kid: parsed.kid } : { ok: false, reason: 'mismatch' };
}
