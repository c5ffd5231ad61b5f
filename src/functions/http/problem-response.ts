import type { HttpResponseInit } from '@azure/functions';
import { ClientError, DependencyUnavailableError, type ProblemDetails } from '../../core/errors/errors.js';
import type { Logger } from '../../core/logging/logger.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemTypeUri(slug: string): string {
  return `urn:liveops:problem:${slug}`;
}

/** The RFC 9457 JSON object of a problem (also used inside batch results). */
export function problemBody(problem: ProblemDetails, instance?: string): Record<string, unknown> {
  return {
    ...problem.extensions,
    type: problemTypeUri(problem.type),
    title: problem.title,
    status: problem.status,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    ...(instance === undefined ? {} : { instance }),
  };
}

/** Renders RFC 9457 problem details. `instance` is the request path, never a server detail. */
export function problemResponse(problem: ProblemDetails, instance?: string): HttpResponseInit {
  const body = problemBody(problem, instance);
  return {
    status: problem.status,
    headers: { ...problem.headers, 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/**
 * The one place an error thrown by an HTTP handler becomes a response. Client errors keep their
 * status and text; a known outage is a 503 with Retry-After; anything else is logged and hidden
 * behind a bare 500 so internals never reach the caller.
 */
export function toProblemResponse(error: unknown, options: { logger: Logger; instance?: string }): HttpResponseInit {
  if (error instanceof ClientError) return problemResponse(error.problem, options.instance);
  if (error instanceof DependencyUnavailableError) {
    options.logger.warn('dependency unavailable', { dependency: error.dependency, err: error.cause ?? error });
    return problemResponse(
      {
        type: 'dependency-unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail: `A dependency (${error.dependency}) is unavailable; retry later`,
        headers: { 'Retry-After': String(error.retryAfterS) },
      },
      options.instance,
    );
  }
  options.logger.error('unhandled error', { err: error });
  return problemResponse({ type: 'internal', title: 'Internal Server Error', status: 500 }, options.instance);
}
