import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import type { Actor, RouteAccess } from '../../core/auth/access.js';
import { problems } from '../../core/errors/errors.js';
import { toFieldError } from '../../core/ingestion/envelope.js';
import { requestFingerprint } from '../../core/ingestion/ingestion.js';
import { SIGNATURE_HEADER, sha256Hex } from '../../core/ingestion/signing.js';
import { bearerOf, identifyCaller, type CallerCheck } from '../auth/identify-caller.js';
import type { AdminRole } from '../../core/auth/admin-tokens.js';
import { IDEMPOTENCY_HEADER, idempotency } from '../gateway/idempotency.js';
import { parseJson, readBodyLimited, requireJson, signedPath } from '../gateway/request-body.js';
import { extendCall, type HttpCall, type HttpHandle } from '../http/http-function.js';

export interface AdminCall<B> extends HttpCall {
  /** The admin key id that signed the request, or that minted its staff token. */
  readonly kid: string;
  /** Who acts, for the audit trail: the kid for a signed request, `token:<name>` or `idp:<name>` for a staff token. */
  readonly by: string;
  /** A signed request acts as an admin; a staff token as its role (a viewer only reads). */
  readonly role: AdminRole;
  readonly body: B;
}

export interface SignedCall<B> extends HttpCall {
  /** Who the request acts as: a server key, or a client key bound to one player (DESIGN §2a). */
  readonly actor: Actor;
  readonly body: B;
}

/**
 * The Idempotency-Key scope of admin writes, per kid or per staff name (`token:<name>`): `#` is
 * in neither, so it never meets the kid's own scope (server-key events) or a player's
 * (`kid/player`).
 */
export function adminScope(by: string): string {
  return `${by}#admin`;
}

/**
 * Builds an admin handler: signed like a write (DESIGN §2), by a key in ADMIN_KEY_IDS (403
 * otherwise), with a JSON body validated by `body` when given.
 *
 * A staff bearer token ({@link adminCaller}) works instead of the signature; a viewer's only on GET.
 *
 * Every admin write (any method but GET) needs an `Idempotency-Key` that the signature covers, and
 * runs at most once per key (issue #19 item 3): without it, a captured `unblock` could be sent
 * again within the signing window and undo a newer block. The key's record outlives the window
 * (IDEMPOTENCY_TTL_S ≥ 2 × SIGNATURE_TOLERANCE_S), so every replay of a valid signature meets it.
 */
export function adminRoute<B>(options: { readonly body?: z.ZodType<B>; readonly handle: (call: AdminCall<B>) => Promise<HttpResponseInit> }): (app: AppContext) => HttpHandle {
  return (app) => {
    const identify = adminCaller(app);
    const once = idempotency({ store: app.stores.idempotency, ttlS: app.settings.limits.idempotencyTtlS });
    return async (call) => {
      const { request } = call;
      if (options.body !== undefined) requireJson(request);
      const write = request.method.toUpperCase() !== 'GET';
      const idempotencyKey = write ? request.headers.get(IDEMPOTENCY_HEADER) : null;
      if (write && (idempotencyKey === null || idempotencyKey.trim() === '')) throw problems.idempotencyKeyRequired();
      const raw = await readBodyLimited(request, app.settings.limits.maxBodyBytes);
      const bodySha256Hex = sha256Hex(raw);
      const path = signedPath(request);
      const caller = await identify({ request, body: raw, bodySha256Hex, path, nowMs: app.now(), ...(idempotencyKey === null ? {} : { idempotencyKey }) });
      if (write && caller.role === 'viewer') throw problems.forbiddenRole();
      const run = (): Promise<HttpResponseInit> => options.handle(extendCall(call, { kid: caller.kid, by: caller.by, role: caller.role, body: parseBody(options.body, raw) }));
      if (idempotencyKey === null) return run();
      return once({
        key: idempotencyKey,
        scope: adminScope(caller.by),
        fingerprint: requestFingerprint({ method: request.method, path, bodySha256Hex }),
        nowMs: app.now,
        handle: run,
      });
    };
  };
}

interface AdminCaller {
  readonly kid: string;
  readonly by: string;
  readonly role: AdminRole;
}

/**
 * Who calls an admin route: a staff bearer token (`Authorization: Bearer`, no signature; issue
 * #18) or a request signed by an ADMIN_KEY_IDS key, which acts as an admin. A token's failures
 * are 401 `token-invalid` with the reason; a signature's are its own problems.
 */
function adminCaller(app: AppContext): (options: Parameters<CallerCheck>[0]) => Promise<AdminCaller> {
  const identify = identifyCaller({ app, access: 'admin' });
  return async (options) => {
    const { request } = options;
    const signed = (request.headers.get(SIGNATURE_HEADER) ?? '').trim() !== '';
    const bearer = bearerOf(request);
    if (!signed && bearer.kind !== 'absent') {
      if (bearer.kind === 'malformed') throw problems.adminTokenInvalid('malformed');
      const token = await app.staffTokens.verify(bearer.token, options.nowMs);
      if (token.state === 'invalid') throw problems.adminTokenInvalid(token.reason);
      return { kid: token.kid, by: token.by, role: token.role };
    }
    const actor = await identify(options);
    if (actor.kind !== 'admin') throw new Error('adminRoute: an admin route let a non-admin through');
    return { kid: actor.kid, by: actor.kid, role: 'admin' };
  };
}

/**
 * A signed route with an optional validated JSON body. `access` says who may call it (a server
 * key, a client key with its player's token, an admin key); the handler gets the actor and must
 * still check that a player actor acts only for itself ({@link mayAct}).
 */
export function signedRoute<B>(options: { readonly access: RouteAccess; readonly body?: z.ZodType<B>; readonly handle: (call: SignedCall<B>) => Promise<HttpResponseInit> }): (app: AppContext) => HttpHandle {
  return (app) => {
    const identify = identifyCaller({ app, access: options.access });
    return async (call) => {
      const { request } = call;
      if (options.body !== undefined) requireJson(request);
      const raw = await readBodyLimited(request, app.settings.limits.maxBodyBytes);
      const actor = await identify({ request, body: raw, nowMs: app.now() });
      return options.handle(extendCall(call, { actor, body: parseBody(options.body, raw) }));
    };
  };
}

/** The body validated by `schema`; `undefined` for a route that takes none. */
function parseBody<B>(schema: z.ZodType<B> | undefined, raw: Uint8Array): B {
  if (schema === undefined) return undefined as B;
  const parsed = schema.safeParse(parseJson(raw));
  if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => toFieldError(issue)));
  return parsed.data;
}
