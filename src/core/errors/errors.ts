/**
 * The two kinds of failure the edge distinguishes (like @azure/functions' AzFuncSystemError vs.
 * user errors): a {@link ClientError} is the caller's fault and is rendered with its own status
 * and text; a {@link DependencyUnavailableError} is a known outage, rendered as 503 with
 * Retry-After. Anything else is a bug: 500, logged, with no internal detail sent to the client.
 */

import { boundFieldErrors, type FieldErrorLike } from './field-errors.js';

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

const SIGNATURE_DETAIL: Readonly<Record<'missing' | 'malformed' | 'unknown-key' | 'stale' | 'mismatch', (toleranceS: number) => string>> = {
  missing: () => 'The X-Signature header is missing',
  malformed: () => 'X-Signature must be t=<unix seconds>,kid=<key id>,v1=<64 hex digits>',
  'unknown-key': () => 'The key id is not known',
  stale: (toleranceS) => `The signature timestamp is more than ${toleranceS} s from the server clock`,
  mismatch: () => 'The signature does not match the request',
};

const TOKEN_DETAIL: Readonly<Record<string, string>> = {
  malformed: 'The player token is not a JWT',
  expired: 'The player token has expired; get a new one',
  'not-yet-valid': 'The player token is not valid yet',
  audience: 'The player token is for another audience',
  issuer: 'The player token is from an issuer this service does not trust',
  algorithm: 'The player token uses an algorithm this service does not accept',
  'unknown-key': 'The player token is signed with a key this service does not know',
  signature: 'The player token signature is not valid',
  claims: 'The player token does not name a valid player',
};

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
  unsupportedMediaType: (): ClientError =>
    new ClientError({
      type: 'unsupported-media-type',
      title: 'Unsupported Media Type',
      status: 415,
      detail: 'Send the body as JSON with Content-Type: application/json',
    }),
  /** A request the HTTP layer cannot route: an invalid Host or request target. */
  badRequest: (detail: string): ClientError =>
    new ClientError({ type: 'bad-request', title: 'Bad Request', status: 400, detail }),
  invalidJson: (): ClientError =>
    new ClientError({ type: 'invalid-json', title: 'Bad Request', status: 400, detail: 'The body is not valid JSON' }),
  /** At most MAX_FIELD_ERRORS errors are echoed, each bounded; `detail` counts them all. */
  validation: (errors: readonly FieldErrorLike[]): ClientError => {
    const bounded = boundFieldErrors(errors);
    const shown = bounded.omitted > 0 ? `; the first ${bounded.errors.length} are listed` : '';
    return new ClientError({
      type: 'validation',
      title: 'Bad Request',
      status: 400,
      detail: `The request is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}${shown})`,
      extensions: { errors: bounded.errors },
    });
  },
  /** One problem type per signature failure, so a client can tell a clock problem from a key problem. */
  signature: (reason: 'missing' | 'malformed' | 'unknown-key' | 'stale' | 'mismatch', toleranceS: number): ClientError =>
    new ClientError({
      type: `signature-${reason}`,
      title: 'Unauthorized',
      status: 401,
      detail: SIGNATURE_DETAIL[reason](toleranceS),
      headers: { 'WWW-Authenticate': 'LiveOps-HMAC-SHA256' },
    }),
  /** A staff bearer token on an admin route failed a check; `reason` as for player tokens. */
  adminTokenInvalid: (reason: string): ClientError =>
    new ClientError({
      type: 'token-invalid',
      title: 'Unauthorized',
      status: 401,
      detail: reason === 'expired' ? 'The admin token has expired; sign in again' : 'The admin token is not valid; sign in again',
      extensions: { reason },
      headers: { 'WWW-Authenticate': 'Bearer realm="liveops-admin", error="invalid_token"' },
    }),
  /** A viewer token on an admin write: viewers see, admins act (issue #18). */
  forbiddenRole: (): ClientError =>
    new ClientError({ type: 'forbidden-role', title: 'Forbidden', status: 403, detail: 'A viewer may read the admin routes but not act; ask an admin' }),
  forbiddenKey: (detail = 'This key may not call admin routes'): ClientError =>
    new ClientError({ type: 'forbidden-key', title: 'Forbidden', status: 403, detail }),
  /** A client key's request without `Authorization: Bearer <player token>` (DESIGN §2a). */
  tokenMissing: (): ClientError =>
    new ClientError({
      type: 'token-missing',
      title: 'Unauthorized',
      status: 401,
      detail: 'A client key must send the player token as Authorization: Bearer <token>',
      headers: { 'WWW-Authenticate': 'Bearer realm="liveops"' },
    }),
  /** One type for every bad token; `reason` says which check failed, never anything about keys. */
  tokenInvalid: (reason: string): ClientError =>
    new ClientError({
      type: 'token-invalid',
      title: 'Unauthorized',
      status: 401,
      detail: TOKEN_DETAIL[reason] ?? 'The player token is not valid',
      extensions: { reason },
      headers: { 'WWW-Authenticate': 'Bearer realm="liveops", error="invalid_token"' },
    }),
  playerMismatch: (playerId: string): ClientError =>
    new ClientError({
      type: 'player-mismatch',
      title: 'Forbidden',
      status: 403,
      detail: `The player token does not belong to player ${playerId}`,
    }),
  eventTypeNotAllowed: (type: string): ClientError =>
    new ClientError({
      type: 'event-type-not-allowed',
      title: 'Forbidden',
      status: 403,
      detail: `Client keys may not send ${type} events; they come from a game server (CLIENT_EVENT_TYPES)`,
      extensions: { eventType: type },
    }),
  playerBlocked: (blockedUntilMs: number): ClientError =>
    new ClientError({
      type: 'player-blocked',
      title: 'Forbidden',
      status: 403,
      detail: 'The player is blocked by a fairness sanction',
      extensions: { blockedUntil: new Date(blockedUntilMs).toISOString() },
    }),
  rateLimited: (scope: 'player' | 'key', retryAfterMs: number): ClientError => {
    const retryAfterS = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new ClientError({
      type: 'rate-limited',
      title: 'Too Many Requests',
      status: 429,
      detail: `Rate limit per ${scope} exceeded; retry after ${retryAfterS} s`,
      extensions: { scope },
      headers: { 'Retry-After': String(retryAfterS) },
    });
  },
  idempotencyInFlight: (): ClientError =>
    new ClientError({
      type: 'idempotency-in-flight',
      title: 'Conflict',
      status: 409,
      detail: 'A request with this Idempotency-Key is still being processed; retry shortly',
      headers: { 'Retry-After': '1' },
    }),
  idempotencyMismatch: (): ClientError =>
    new ClientError({
      type: 'idempotency-key-reused',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'This Idempotency-Key was used for a different request',
    }),
  idempotencyKeyRequired: (): ClientError =>
    new ClientError({
      type: 'idempotency-key-required',
      title: 'Bad Request',
      status: 400,
      detail: 'Admin writes need an Idempotency-Key header, signed as the last line of the signature (DESIGN §2)',
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
