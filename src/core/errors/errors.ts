/**
 * The two kinds of failure the edge distinguishes (like @azure/functions' AzFuncSystemError vs.
 * user errors): a {@link ClientError} is the caller's fault and is rendered with its own status
 * and text; a {@link DependencyUnavailableError} is a known outage, rendered as 503 with
 * Retry-After. Anything else is a bug: 500, logged, with no internal detail sent to the client.
 */

export interface ProblemDetails {
  /** A short slug, rendered as the problem `type` URI (`urn:liveops:problem:<slug>`). */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** Extension members (RFC 9457 §3.2), e.g. `errors`, `blockedUntil`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export class ClientError extends Error {
  readonly problem: ProblemDetails;

  constructor(problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
    this.name = 'ClientError';
    this.problem = problem;
  }
}

export class DependencyUnavailableError extends Error {
  readonly dependency: string;
  readonly retryAfterS: number;

  constructor(options: { dependency: string; retryAfterS?: number; cause?: unknown }) {
    super(`${options.dependency} is unavailable`, { cause: options.cause });
    this.name = 'DependencyUnavailableError';
    this.dependency = options.dependency;
    this.retryAfterS = options.retryAfterS ?? 5;
  }
}

/** Named constructors for the client errors every route can produce. */
export const problems = {
  notFound: (detail?: string): ClientError =>
    new ClientError({ type: 'not-found', title: 'Not Found', status: 404, ...(detail ? { detail } : {}) }),
  methodNotAllowed: (allowed: readonly string[]): ClientError =>
    new ClientError({
      type: 'method-not-allowed',
      title: 'Method Not Allowed',
      status: 405,
      detail: `Allowed: ${allowed.join(', ')}`,
      headers: { Allow: allowed.join(', ') },
    }),
  payloadTooLarge: (limitBytes: number): ClientError =>
    new ClientError({
      type: 'payload-too-large',
      title: 'Payload Too Large',
      status: 413,
      detail: `The request body exceeds ${limitBytes} bytes`,
      extensions: { limitBytes },
    }),
  serviceShuttingDown: (): ClientError =>
    new ClientError({
      type: 'shutting-down',
      title: 'Service Unavailable',
      status: 503,
      detail: 'This instance is shutting down; retry on another',
      headers: { 'Retry-After': '1', Connection: 'close' },
    }),
} as const;
