import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { AppContext } from '../../app/app-context.js';
import type { Logger } from '../../core/logging/logger.js';
import type { HttpFunctionDefinition } from '../definition.js';
import { toProblemResponse } from './problem-response.js';

export interface HttpCall {
  readonly request: HttpRequest;
  readonly context: InvocationContext;
  readonly app: AppContext;
  /** The app logger with this invocation's function name and id. */
  readonly logger: Logger;
}

export interface HttpFunctionSpec {
  readonly name: string;
  /** Route below the `/api` prefix, in Functions route-template syntax (`players/{playerId}/progress`). */
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  /**
   * Explicit auth level. Write routes are `anonymous` at the platform level because they carry
   * their own HMAC signature (DESIGN §2); a Functions key would add nothing but a shared secret.
   */
  readonly authLevel: 'anonymous' | 'function' | 'admin';
  readonly handle: (call: HttpCall) => Promise<HttpResponseInit>;
}

/**
 * Declares an HTTP function whose errors are rendered in one place: whatever `handle` throws
 * becomes an RFC 9457 problem response via {@link toProblemResponse}.
 */
export function httpFunction(spec: HttpFunctionSpec): HttpFunctionDefinition {
  return {
    kind: 'http',
    name: spec.name,
    options: { route: spec.route, methods: spec.methods, authLevel: spec.authLevel },
    handler: (app) => async (request, context) => {
      const logger = app.logger.child({ function: spec.name, invocationId: context.invocationId });
      try {
        return await spec.handle({ request, context, app, logger });
      } catch (error: unknown) {
        return toProblemResponse(error, { logger, instance: new URL(request.url).pathname });
      }
    },
  };
}

/** A JSON response with the given status. */
export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'Cache-Control': 'no-store', ...headers } };
}
