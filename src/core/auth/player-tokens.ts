import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import type { KeyRing } from '../config/key-ring.js';
import { PLAYER_ID } from '../ingestion/envelope.js';
import type { TokenFailure, TokenState } from './access.js';

/** A verification's outcome with the expiry the cache needs. */
type Checked = { readonly state: 'valid'; readonly playerId: string; readonly expMs: number } | { readonly state: 'invalid'; readonly reason: TokenFailure };

/** Our own tokens' `iss` and `aud` (DESIGN §2a: `aud` = `liveops`). */
export const OWN_ISSUER = 'liveops';
export const OWN_AUDIENCE = 'liveops';
/** Longer than any real JWT; refused before any parsing work. */
const MAX_TOKEN_CHARS = 8192;
const EXTERNAL_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'ES256']);

/**
 * The studio's signing keys (a JWKS endpoint, behind a cache). `undefined` means the key set,
 * freshly read, has no such key; an unreachable endpoint with no cached key throws
 * DependencyUnavailableError (a 503), never a 401 — the token may well be good.
 */
export interface ExternalKeys {
  key(options: { readonly kid: string | undefined; readonly alg: string; readonly nowMs: number }): Promise<KeyLike | Uint8Array | undefined>;
}

export interface PlayerTokensOptions {
  readonly own?: { readonly keys: KeyRing; readonly activeKid: string; readonly ttlS: number };
  readonly external?: { readonly keys: ExternalKeys; readonly issuer: string; readonly audience: string; readonly playerClaim: string };
  /** Verified tokens remembered (by SHA-256) until their `exp`; the oldest go first past this. */
  readonly cacheSize?: number;
}

export interface MintedToken {
  readonly token: string;
  readonly playerId: string;
  readonly expiresAtMs: number;
}

/**
 * Player session tokens (JWT, RFC 7519): HS256 ones we mint with the PLAYER_TOKEN_KEYS ring, and
 * RS256/ES256 ones from the studio's identity provider. The token's `alg` picks the path, and each
 * path accepts only its own algorithms with its own kind of key, so `alg: none` and HS/RS
 * confusion (an RS256 public key used as an HMAC secret) have nowhere to go. Verified tokens are
 * cached by hash until `exp`, so a client's steady stream of events costs one hash per request.
 */
export class PlayerTokens {
  readonly #o: PlayerTokensOptions;
  readonly #cacheSize: number;
  /** SHA-256 of the token → its player and expiry; insertion order is age. */
  readonly #verified = new Map<string, { readonly playerId: string; readonly expMs: number }>();

  constructor(options: PlayerTokensOptions) {
    if (options.own !== undefined && !options.own.keys.has(options.own.activeKid)) throw new Error('PlayerTokens: the active kid is not in the ring');
    this.#o = options;
    this.#cacheSize = options.cacheSize ?? 100_000;
    if (!(Number.isInteger(this.#cacheSize) && this.#cacheSize > 0)) throw new Error('PlayerTokens: cacheSize must be a positive integer');
  }

  /** Whether POST /api/sessions can mint (PLAYER_TOKEN_KEYS is configured or the dev ring is on). */
  get canMint(): boolean {
    return this.#o.own !== undefined;
  }

  /** The longest lifetime a minted token may ask for (PLAYER_TOKEN_TTL_S). */
  get maxTtlS(): number {
    return this.#o.own?.ttlS ?? 0;
  }

  async mint(options: { readonly playerId: string; readonly ttlS?: number; readonly nowMs: number }): Promise<MintedToken> {
    const own = this.#o.own;
    if (own === undefined) throw new Error('PlayerTokens: minting is off (no PLAYER_TOKEN_KEYS)');
    const key = own.keys.get(own.activeKid);
    if (key === undefined) throw new Error('PlayerTokens: the active kid is not in the ring');
    const iat = Math.floor(options.nowMs / 1000);
    const exp = iat + Math.min(options.ttlS ?? own.ttlS, own.ttlS);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: own.activeKid, typ: 'JWT' })
      .setIssuer(OWN_ISSUER)
      .setAudience(OWN_AUDIENCE)
      .setSubject(options.playerId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key);
    return { token, playerId: options.playerId, expiresAtMs: exp * 1000 };
  }

  /** Never throws for a bad token (every failure is a reason); throws only for a JWKS outage. */
  async verify(token: string, nowMs: number): Promise<TokenState> {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return invalid('malformed');
    const hash = createHash('sha256').update(token).digest('hex');
    const cached = this.#verified.get(hash);
    if (cached !== undefined) {
      if (nowMs < cached.expMs) return { state: 'valid', playerId: cached.playerId };
      this.#verified.delete(hash);
    }
    const state = await this.#verifyUncached(token, nowMs);
    if (state.state === 'valid') this.#remember(hash, state.playerId, state.expMs);
    return state.state === 'valid' ? { state: 'valid', playerId: state.playerId } : state;
  }

  async #verifyUncached(token: string, nowMs: number): Promise<Checked> {
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = decodeProtectedHeader(token);
    } catch (error: unknown) {
      if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) return invalid('malformed');
      throw error;
    }
    const { alg } = header;
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    if (typeof alg !== 'string') return invalid('malformed');
    const currentDate = new Date(nowMs);
    const { own, external } = this.#o;
    if (alg === 'HS256' && own !== undefined) {
      const key = kid === undefined ? undefined : own.keys.get(kid);
      if (key === undefined) return invalid('unknown-key');
      return checked(() => jwtVerify(token, key, { algorithms: ['HS256'], issuer: OWN_ISSUER, audience: OWN_AUDIENCE, requiredClaims: ['exp', 'sub'], currentDate }), 'sub');
    }
    if (EXTERNAL_ALGORITHMS.has(alg) && external !== undefined) {
      const key = await external.keys.key({ kid, alg, nowMs });
      if (key === undefined) return invalid('unknown-key');
      return checked(
        () => jwtVerify(token, key, { algorithms: [alg], issuer: external.issuer, audience: external.audience, requiredClaims: ['exp'], currentDate }),
        external.playerClaim,
      );
    }
    return invalid('algorithm');
  }

  #remember(hash: string, playerId: string, expMs: number): void {
    if (this.#verified.size >= this.#cacheSize) {
      const oldest = this.#verified.keys().next();
      if (oldest.done !== true) this.#verified.delete(oldest.value);
    }
    this.#verified.set(hash, { playerId, expMs });
  }
}

function invalid(reason: TokenFailure): Checked & { readonly state: 'invalid' } {
  return { state: 'invalid', reason };
}

async function checked(
  verify: () => Promise<{ readonly payload: JWTPayload }>,
  playerClaim: string,
): Promise<Checked> {
  let payload: JWTPayload;
  try {
    ({ payload } = await verify());
  } catch (error: unknown) {
    return invalid(tokenFailureOf(error));
  }
  const playerId = payload[playerClaim];
  if (typeof playerId !== 'string' || !PLAYER_ID.test(playerId) || typeof payload.exp !== 'number') return invalid('claims');
  return { state: 'valid', playerId, expMs: payload.exp * 1000 };
}

/** jose's error classes → our reasons; anything that is not jose's is a bug and propagates. */
export function tokenFailureOf(error: unknown): TokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not-yet-valid';
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'iss') return 'issuer';
    return 'claims';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm';
  if (error instanceof errors.JOSEError) return 'malformed';
  // A key of the wrong type for the algorithm (jose throws TypeError): the token asked for it.
  if (error instanceof TypeError) return 'algorithm';
  throw error;
}
