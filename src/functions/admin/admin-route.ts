import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import type { Actor, RouteAccess } from '../../core/auth/access.js';
import { problems } from '../../core/errors/errors.js';
import { toFieldError } from '../../core/ingestion/envelope.js';
import { identifyCaller } from '../auth/identify-caller.js';
import { parseJson, readBodyLimited, requireJson } from '../gateway/request-body.js';
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
 * Builds an admin handler: signed like a write (DESIGN §2), by a key in ADMIN_KEY_IDS (403
 * otherwise), with a JSON body validated by `body` when given.
 */
export function adminRoute<B>(options: { readonly body?: z.ZodType<B>; readonly handle: (call: AdminCall<B>) => Promise<HttpResponseInit> }): (app: AppContext) => HttpHandle {
  return signedRoute({
    access: 'admin',
    ...(options.body === undefined ? {} : { body: options.body }),
    handle: (call) => {
      if (call.actor.kind !== 'admin') throw new Error('adminRoute: an admin route let a non-admin through');
      return options.handle(extendCall(call, { kid: call.actor.kid, body: call.body }));
    },
  });
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
      let body: B = undefined as B;
      if (options.body !== undefined) {
        const parsed = options.body.safeParse(parseJson(raw));
        if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => toFieldError(issue)));
        body = parsed.data;
      }
      return options.handle(extendCall(call, { actor, body }));
    };
  };
}
