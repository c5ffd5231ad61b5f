import { randomUUID } from 'node:crypto';

/**
 * W3C Trace Context `traceparent` (version 00): `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
 * The gateway keeps a valid incoming one (so a game client's trace continues) and starts a new
 * trace otherwise; the value then travels in every message's application properties.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isValidTraceparent(value: string): boolean {
  const match = TRACEPARENT.exec(value);
  // All-zero trace or parent ids are invalid per the spec.
  return match !== null && !/^0+$/.test(match[1] ?? '') && !/^0+$/.test(match[2] ?? '');
}

/**
 * A new trace with random ids. They come from `randomUUID`, which draws from a cached pool of
 * random bytes, where `randomBytes` makes a call into OpenSSL each time: every request without a
 * traceparent starts a trace, so this is on the hot path. The UUID's six fixed version/variant
 * bits leave 122 random bits in the trace id and 60 in the parent id, plenty to be unique.
 */
export function newTraceparent(): string {
  return `00-${hexOfUuid()}-${hexOfUuid().slice(0, 16)}-01`;
}

function hexOfUuid(): string {
  return randomUUID().replaceAll('-', '');
}

/** The incoming header when valid, else a fresh trace. */
export function traceparentFrom(header: string | null | undefined): string {
  const value = header?.trim().toLowerCase();
  return value !== undefined && isValidTraceparent(value) ? value : newTraceparent();
}

export function traceIdOf(traceparent: string): string | undefined {
  return TRACEPARENT.exec(traceparent)?.[1];
}
