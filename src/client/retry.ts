/**
 * Retry policy of the client. Only answers that mean "try again later" are retried: 409 (the same
 * Idempotency-Key is still in flight, typically our own earlier attempt that timed out), 429 (rate
 * limited) and 503 (a dependency is down or the instance is shutting down), plus failures where no
 * response arrived. Every other status is the same on a retry, so retrying would only add load.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([409, 429, 503]);

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a uniformly random delay in [0, min(cap, base·2^attempt)). Full jitter spreads the retries of many
 * clients that failed together, so they do not come back in lockstep and fail together again.
 *
 * @param attempt 0 for the first retry.
 */
export function fullJitterDelayMs(options: { readonly attempt: number; readonly baseMs: number; readonly capMs: number; readonly random: () => number }): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** options.attempt);
  // Clamp the draw: an injected `random` returning 1 (or slightly off) must not exceed the bound.
  const draw = Math.min(Math.max(options.random(), 0), 1);
  return Math.min(Math.floor(draw * ceiling), Math.max(ceiling - 1, 0));
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds: either delay-seconds or an HTTP-date.
 * Undefined when absent or unparseable, so the caller falls back to its own backoff.
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse is lenient ('1.5' is a date to V8); an HTTP-date always names a month and a weekday.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
