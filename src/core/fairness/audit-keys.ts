import type { AuditEntry, QuarantinedEvent } from './audit.js';

/**
 * Ordering keys shared by the Table Storage audit and its memory twin (issue #19 item 5), so both
 * page the same way. Table Storage returns a partition in ascending RowKey order and can only page
 * forward, so "newest first" is encoded in the key: the time is inverted (`MAX_MS - ms`, 15
 * digits) and a plain ascending read yields the newest row first.
 */
const MAX_MS = 999_999_999_999_999;
const TIME_DIGITS = 15;

/** `MAX_MS - ms`, zero-padded: ascending order of the result is descending order of `ms`. */
export function invertedTime(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_MS) throw new RangeError(`invertedTime: ${ms} is not an epoch millisecond`);
  return String(MAX_MS - ms).padStart(TIME_DIGITS, '0');
}

/**
 * Order of kinds within one millisecond, newest first: a sanction is written after the flag that
 * caused it (same atMs), so it comes first. Admin actions in one millisecond have no knowable
 * order across processes; they are listed by kind.
 */
const KIND_RANK: Readonly<Record<AuditEntry['kind'], string>> = { sanction: '0', flag: '1', release: '2', 'admin-block': '3', 'admin-unblock': '4', keep: '5' };

/**
 * The key of an audit entry: `<inverted atMs>-<rank>-<kind>-<discriminator>`. Facts the fairness gate
 * writes (flag, sanction, release) carry their eventId, so a redelivery lands on the same key
 * and is stored once. Admin actions have no such id: two in the same millisecond are two facts,
 * so they take the caller's `unique` (random) suffix instead of colliding (issue #19 item 3).
 */
export function auditEntryKey(entry: AuditEntry, unique: string): string {
  const at = `${invertedTime(entry.atMs)}-${KIND_RANK[entry.kind]}`;
  switch (entry.kind) {
    case 'flag':
    case 'sanction':
    case 'release':
    case 'keep':
      return `${at}-${entry.kind}-${entry.eventId}`;
    case 'admin-block':
    case 'admin-unblock':
      return `${at}-${entry.kind}-${unique}`;
  }
}

/** The key of a quarantined event: newest first, ties in one millisecond by eventId. */
export function quarantineKey(item: Pick<QuarantinedEvent, 'quarantinedAtMs'> & { readonly event: { readonly eventId: string } }): string {
  return `${invertedTime(item.quarantinedAtMs)}-${item.event.eventId}`;
}

/** What a key of each listing looks like; a cursor whose key does not match is refused. */
export const KEY_PATTERNS = {
  audit: /^\d{15}-\d-(?:flag|sanction|release|keep|admin-block|admin-unblock)-[A-Za-z0-9-]{1,64}$/,
  quarantine: /^\d{15}-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
} as const;

/** One page of a listing: `next` is the key of the last item, present when more items follow. */
export interface KeyPage<T> {
  readonly items: T[];
  readonly next?: string;
}
