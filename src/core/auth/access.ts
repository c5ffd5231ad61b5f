import type { EventType } from '../ingestion/envelope.js';

/**
 * Who may act for whom (DESIGN §2a), as pure decisions: no I/O, no clock. The HTTP layer finds
 * the key's role and the token's state, then asks here; every refusal is a named reason that
 * `problems` renders (401 for authentication, 403 for authorization).
 */

/**
 * The role of the kid that signed: a kid may be both server and admin (the dev key is); one in
 * neither list is a client key, shipped in game clients, so a key every cheater has.
 */
export interface KeyRoles {
  readonly server: boolean;
  readonly admin: boolean;
}

export function keyRolesOf(kid: string, lists: { readonly serverKeyIds: readonly string[]; readonly adminKeyIds: readonly string[] }): KeyRoles {
  return { server: lists.serverKeyIds.includes(kid), admin: lists.adminKeyIds.includes(kid) };
}

/** The routes by who may call them. */
export type RouteAccess =
  /** Events, claims: a server key for any player, or a client key with a player token. */
  | 'player-or-server'
  /** Reading a player's rewards: a server signature, or the player's token (signed or not). */
  | 'player-read'
  /** Minting sessions, redeeming receipts. */
  | 'server-only'
  | 'admin';

export type TokenState =
  | { readonly state: 'absent' }
  | { readonly state: 'invalid'; readonly reason: TokenFailure }
  | { readonly state: 'valid'; readonly playerId: string };

export type TokenFailure =
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'audience'
  | 'issuer'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'claims';

/** Who the request acts as, once authenticated. */
export type Actor =
  | { readonly kind: 'server'; readonly kid: string }
  | { readonly kind: 'player'; readonly kid: string | undefined; readonly playerId: string }
  | { readonly kind: 'admin'; readonly kid: string };

export type Refusal =
  | { readonly kind: 'token-missing' }
  | { readonly kind: 'token-invalid'; readonly reason: TokenFailure }
  | { readonly kind: 'server-only' }
  | { readonly kind: 'admin-only' }
  | { readonly kind: 'not-admin' }
  | { readonly kind: 'player-mismatch'; readonly playerId: string }
  | { readonly kind: 'event-type-not-allowed'; readonly type: EventType };

export type Decision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

const allow = <T>(value: T): Decision<T> => ({ ok: true, value });
const refuse = <T>(refusal: Refusal): Decision<T> => ({ ok: false, refusal });

/**
 * Step 1, per request: may this signer (`kid` undefined when unsigned) call a route of this
 * access, and as whom? A token is looked at only when the answer depends on it, so a server call
 * never pays for verifying one.
 */
export async function authenticate(options: {
  readonly access: RouteAccess;
  readonly kid: string | undefined;
  readonly roles: KeyRoles | undefined;
  readonly token: () => Promise<TokenState>;
}): Promise<Decision<Actor>> {
  const { access, kid, roles } = options;
  if (access === 'admin') {
    if (kid === undefined || roles === undefined) return refuse({ kind: 'not-admin' });
    return roles.admin ? allow({ kind: 'admin', kid }) : refuse({ kind: 'not-admin' });
  }
  if (kid !== undefined && roles !== undefined) {
    if (roles.server) return allow({ kind: 'server', kid });
    // An admin-only key is for operators' tools: it acts for no player.
    if (roles.admin) return refuse({ kind: 'admin-only' });
    if (access === 'server-only') return refuse({ kind: 'server-only' });
  } else if (access !== 'player-read') {
    // Unsigned calls reach only the player read; the signature check refused the rest already.
    return refuse({ kind: 'server-only' });
  }
  const token = await options.token();
  if (token.state === 'absent') return refuse({ kind: 'token-missing' });
  if (token.state === 'invalid') return refuse({ kind: 'token-invalid', reason: token.reason });
  return allow({ kind: 'player', kid, playerId: token.playerId });
}

/** Step 2, per event (each one of a batch): may this actor send it? */
export function mayAct(options: {
  readonly actor: Actor;
  readonly playerId: string;
  /** Set for events; claims and reads have none. */
  readonly eventType?: EventType;
  readonly clientEventTypes: readonly EventType[];
}): Refusal | undefined {
  const { actor, playerId, eventType } = options;
  if (actor.kind !== 'player') return undefined;
  if (actor.playerId !== playerId) return { kind: 'player-mismatch', playerId };
  if (eventType !== undefined && !options.clientEventTypes.includes(eventType)) return { kind: 'event-type-not-allowed', type: eventType };
  return undefined;
}
