import { randomBytes } from 'node:crypto';

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

export function newTraceparent(random: (size: number) => Buffer = randomBytes): string {
  return `00-${random(16).toString('hex')}-${random(8).toString('hex')}-01`;
}

/** The incoming header when valid, else a fresh trace. */
export function traceparentFrom(header: string | null | undefined): string {
  const value = header?.trim().toLowerCase();
  return value !== undefined && isValidTraceparent(value) ? value : newTraceparent();
}

export function traceIdOf(traceparent: string): string | undefined {
  return TRACEPARENT.exec(traceparent)?.[1];
}
