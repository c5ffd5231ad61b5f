import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import type { Actor, RouteAccess } from '../../core/auth/access.js';
import { problems } from '../../core/errors/errors.js';
import { toFieldError } from '../../core/ingestion/envelope.js';
import { requestFingerprint } from '../../core/ingestion/ingestion.js';
import { sha256Hex } from '../../core/ingestion/signing.js';
import { identifyCaller } from '../auth/identify-caller.js';
import { IDEMPOTENCY_HEADER, idempotency } from '../gateway/idempotency.js';
import { parseJson, readBodyLimited, requireJson, signedPath } from '../gateway/request-body.js';
import { extendCall, type HttpCall, type HttpHandle } from '../http/http-function.js';

export interface AdminCall<B> extends HttpCall {
  /** The key id that signed the request (for the audit trail). */
  readonly kid: string;
  readonly body: B;
}

export interface SignedCall<B> extends HttpCall {
  /** Who the request acts as: a server key, or a client key bound to one player (DESIGN §2a). */
  readonly actor: Actor;
  readonly body: B;
}

/**
 * The Idempotency-Key scope of admin writes: `#` is in no kid, so it never meets the kid's own
 * scope (server-key events) or a player's (`kid/player`).
 */
export function adminScope(kid: string): string {
  return `${kid}#admin`;
}

/**
 * Builds an admin handler: signed like a write (DESIGN §2), by a key in ADMIN_KEY_IDS (403
 * otherwise), with a JSON body validated by `body` when given.
 *
 * Every admin write (any method but GET) needs an `Idempotency-Key` that the signature covers, and
 * runs at most once per key (issue #19 item 3): without it, a captured `unblock` could be sent
 * again within the signing window and undo a newer block. The key's record outlives the window
 * (IDEMPOTENCY_TTL_S ≥ 2 × SIGNATURE_TOLERANCE_S), so every replay of a valid signature meets it.
 */
export function adminRoute<B>(options: { readonly body?: z.ZodType<B>; readonly handle: (call: AdminCall<B>) => Promise<HttpResponseInit> }): (app: AppContext) => HttpHandle {
  return (app) => {
    const identify = identifyCaller({ app, access: 'admin' });
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
      const actor = await identify({ request, body: raw, bodySha256Hex, path, nowMs: app.now(), ...(idempotencyKey === null ? {} : { idempotencyKey }) });
      if (actor.kind !== 'admin') throw new Error('adminRoute: an admin route let a non-admin through');
      const run = (): Promise<HttpResponseInit> => options.handle(extendCall(call, { kid: actor.kid, body: parseBody(options.body, raw) }));
      if (idempotencyKey === null) return run();
      return once({
        key: idempotencyKey,
        scope: adminScope(actor.kid),
        fingerprint: requestFingerprint({ method: request.method, path, bodySha256Hex }),
        nowMs: app.now,
        handle: run,
      });
    };
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
