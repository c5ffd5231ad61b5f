/**
 * An RFC 9457 problem document as the gateway sends it (`application/problem+json`). Extension
 * members (`errors`, `blockedUntil`, `scope`, …) stay on the object, so callers can read them.
 */
export interface ProblemDocument {
  /** A URI such as `urn:liveops:problem:rate-limited`; `about:blank` when the server gave none. */
  readonly type: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

export interface LiveOpsErrorInit {
  readonly method: string;
  readonly path: string;
  /** The HTTP status of the last attempt; undefined when no response arrived (network error, timeout). */
  readonly status?: number;
  readonly problem?: ProblemDocument;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;
  readonly attempts: number;
  /** What went wrong when there is no problem document (network error, unexpected body). */
  readonly reason?: string;
  readonly cause?: unknown;
}

/**
 * A call that failed for good: a refusal that retrying cannot fix, or a retryable failure that
 * outlasted `maxRetries`. Carries what the caller needs to decide what to do next.
 */
export class LiveOpsError extends Error {
  readonly status: number | undefined;
  readonly problem: ProblemDocument | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(init: LiveOpsErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'LiveOpsError';
    this.status = init.status;
    this.problem = init.problem;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts;
  }

  /** The problem `type` URI, e.g. `urn:liveops:problem:player-blocked`. */
  get problemType(): string | undefined {
    return this.problem?.type;
  }
}

function describe(init: LiveOpsErrorInit): string {
  const what = init.problem === undefined ? init.reason : [init.problem.type, init.problem.detail ?? init.problem.title].filter((s) => s !== undefined).join(': ');
  const outcome = init.status === undefined ? (what ?? 'no response') : `${init.status}${what === undefined ? '' : ` ${what}`}`;
  const attempts = init.attempts === 1 ? '' : ` (after ${init.attempts} attempts)`;
  return `LiveOps ${init.method} ${init.path} failed: ${outcome}${attempts}`;
}

/**
 * Reads a problem document from an error response body. Proxies and load balancers answer with
 * HTML or plain text too, so a body that is not a JSON object yields `undefined`, not an error.
 */
export function parseProblem(text: string): ProblemDocument | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    // Not JSON (an HTML error page from a proxy): the status alone has to describe the failure.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  return toProblemDocument(parsed);
}

/** A problem document from an already parsed value (e.g. a batch item's `problem`); undefined unless an object. */
export function toProblemDocument(value: unknown): ProblemDocument | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields: Record<string, unknown> = { ...value };
  const { type, title, status, detail } = fields;
  // RFC 9457 §3.1: a missing or non-string member is treated as absent; `type` defaults to about:blank.
  return {
    ...fields,
    type: typeof type === 'string' ? type : 'about:blank',
    title: typeof title === 'string' ? title : undefined,
    status: typeof status === 'number' ? status : undefined,
    detail: typeof detail === 'string' ? detail : undefined,
  };
}
