import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { problems } from '../../core/errors/errors.js';
import { toFieldError } from '../../core/ingestion/envelope.js';
import { parseJson, readBodyLimited, requireJson } from '../gateway/request-body.js';
import { verifySignature } from '../gateway/verify-signature.js';
import { extendCall, type HttpCall, type HttpHandle } from '../http/http-function.js';

export interface AdminCall<B> extends HttpCall {
  /** The admin key id that signed the request (for the audit trail). */
  readonly kid: string;
  readonly body: B;
}

/**
 * Builds an admin handler: signed like a write (DESIGN §2), by a key in ADMIN_KEY_IDS (403
 * otherwise), with a JSON body validated by `body` when given.
 */
export function adminRoute<B>(options: { readonly body?: z.ZodType<B>; readonly handle: (call: AdminCall<B>) => Promise<HttpResponseInit> }): (app: AppContext) => HttpHandle {
  return signedRoute({ ...options, admin: true });
}

/** A signed (non-admin unless `admin`) write route with an optional validated JSON body. */
export function signedRoute<B>(options: { readonly admin: boolean; readonly body?: z.ZodType<B>; readonly handle: (call: AdminCall<B>) => Promise<HttpResponseInit> }): (app: AppContext) => HttpHandle {
  return (app) => {
    const check = verifySignature({ keys: app.settings.signing.hmacKeys, toleranceS: app.settings.signing.toleranceS, adminKeyIds: app.settings.signing.adminKeyIds });
    return async (call) => {
      const { request } = call;
      if (options.body !== undefined) requireJson(request);
      const raw = await readBodyLimited(request, app.settings.limits.maxBodyBytes);
      const kid = check({ request, body: raw, nowMs: app.now(), admin: options.admin });
      let body: B = undefined as B;
      if (options.body !== undefined) {
        const parsed = options.body.safeParse(parseJson(raw));
        if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => toFieldError(issue)));
        body = parsed.data;
      }
      return options.handle(extendCall(call, { kid, body }));
    };
  };
}

