import { createHash } from 'node:crypto';
import type { AcceptedEvent } from './envelope.js';

/**
 * A digest of what an event says, independent of JSON key order: the same eventId with a
 * different digest is a different event reusing an old id (issue #19 item 1), not a redelivery.
 */
export function eventDigest(event: AcceptedEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

/** JSON with object keys sorted at every depth; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  // As JSON.stringify renders it inside an array; object members that are undefined are dropped below.
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
