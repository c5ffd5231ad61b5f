import type { AppContext } from '../../app/app-context.js';
import { authenticate, keyRolesOf, type Actor, type RouteAccess, type TokenState } from '../../core/auth/access.js';
import { toRefusalError } from '../../core/auth/refusals.js';
import { SIGNATURE_HEADER } from '../../core/ingestion/signing.js';
import type { HttpRequestView } from '../http/request-view.js';
import { verifySignature } from '../gateway/verify-signature.js';

export const AUTHORIZATION_HEADER = 'Authorization';

export interface CallerCheck {
  /**
   * Who the request acts as: the signature (401 when missing or bad, except on a player read,
   * where a token alone will do), the key's role, then the player token when the role needs one.
   * Throws the refusal's problem (401 token, 403 key) or a 503 when the token's keys are
   * unreachable.
   */
  (options: { readonly request: HttpRequestView; readonly body: Uint8Array; readonly bodySha256Hex?: string; readonly path?: string; readonly idempotencyKey?: string; readonly nowMs: number }): Promise<Actor>;
}

/** `identifyCaller({app, access})`: checks its options once, like the other middleware factories. */
export function identifyCaller(options: { readonly app: AppContext; readonly access: RouteAccess }): CallerCheck {
  const { app, access } = options;
  const { signing } = app.settings;
  const checkSignature = verifySignature({ keys: signing.hmacKeys, toleranceS: signing.toleranceS });
  const lists = { serverKeyIds: signing.serverKeyIds, adminKeyIds: signing.adminKeyIds };
  return async (call) => {
    const unsigned = access === 'player-read' && (call.request.headers.get(SIGNATURE_HEADER) ?? '').trim() === '';
    const kid = unsigned ? undefined : checkSignature(call);
    const decision = await authenticate({
      access,
      kid,
      roles: kid === undefined ? undefined : keyRolesOf(kid, lists),
      token: () => bearerToken({ app, request: call.request, nowMs: call.nowMs }),
    });
    if (!decision.ok) throw toRefusalError(decision.refusal);
    return decision.value;
  };
}

async function bearerToken(options: { readonly app: AppContext; readonly request: HttpRequestView; readonly nowMs: number }): Promise<TokenState> {
  const bearer = bearerOf(options.request);
  if (bearer.kind === 'absent') return { state: 'absent' };
  if (bearer.kind === 'malformed') return { state: 'invalid', reason: 'malformed' };
  return options.app.playerTokens.verify(bearer.token, options.nowMs);
}

/** The `Authorization: Bearer <token>` of a request: absent, malformed, or the token. */
export function bearerOf(request: HttpRequestView): { readonly kind: 'absent' } | { readonly kind: 'malformed' } | { readonly kind: 'token'; readonly token: string } {
  const header = request.headers.get(AUTHORIZATION_HEADER);
  if (header === null || header.trim() === '') return { kind: 'absent' };
  const token = /^Bearer +([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header)?.[1];
  return token === undefined ? { kind: 'malformed' } : { kind: 'token', token };
}

/** The Idempotency-Key scope of an actor (DESIGN §2a): two players never share a key space. */
export function idempotencyScope(actor: Actor): string {
  // '/' is in neither a kid nor a player id, so a player scope can never equal a key's.
  return actor.kind === 'player' ? `${actor.kid ?? '-'}/${actor.playerId}` : actor.kid;
}
