import { randomBytes } from 'node:crypto';
import { odata, RestError, type TableClient, type TableEntityResult } from '@azure/data-tables';
import { AuditConflictError, isDecided, sameAuditEntry, sameQuarantinedEvent, type AuditEntry, type FairnessAudit, type QuarantinedEvent } from '../../core/fairness/audit.js';
import { auditEntryKey, quarantineKey, type KeyPage } from '../../core/fairness/audit-keys.js';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import type { TableStorage } from './table-storage.js';

/** Partitions of the quarantine table that are indexes, not players (`~` is not in PLAYER_ID). */
export const BY_EVENT = '~byEvent';
export const BY_TIME = '~byTime';

/** The tables of this layout; `<prefix>Audit` / `<prefix>Quarantine` are the pre-#19 layout (docs/fairness.md). */
export function fairnessTableNames(prefix = 'liveops'): { readonly audit: string; readonly quarantine: string } {
  return { audit: `${prefix}AuditV2`, quarantine: `${prefix}QuarantineV2` };
}

interface QuarantineRow {
  json: string;
  quarantinedAtMs: number;
  released: string;
  /** JSON of `kept`, '' (or absent on rows written before keep existed) while undecided. */
  kept?: string;
}

/**
 * Fairness audit trail and quarantine in Azure Table Storage (keys: `src/core/fairness/audit-keys.ts`):
 *   `<prefix>AuditV2`       PartitionKey playerId, RowKey `<inverted atMs>-<kind>-<eventId|random>`, json
 *   `<prefix>QuarantineV2`  PartitionKey playerId, RowKey `<inverted atMs>-<eventId>`: json, released, kept
 *                           PartitionKey `~byEvent`, RowKey eventId: playerId, quarantinedAtMs
 *                           PartitionKey `~byTime`, RowKey `<inverted atMs>-<eventId>`: playerId
 * Every read is a point read or one page of one partition (`top` = limit + 1, RowKey > cursor):
 * nothing scans a table (issue #19 item 5). Writes are inserts: a redelivery's 409 is checked
 * against the stored row and only the same fact passes; anything else is an AuditConflictError.
 * `~byTime` is one partition for all players: quarantine writes are rare (flags only), far below
 * a partition's ~2000 writes/s.
 */
export function createTableFairnessAudit(options: { readonly tables: TableStorage; readonly prefix?: string }): FairnessAudit {
  const names = fairnessTableNames(options.prefix);
  const audit = lazyTable(options.tables, names.audit);
  const quarantineTable = lazyTable(options.tables, names.quarantine);

  return {
    record: (entry) =>
      tablesCall(async () => {
        const key = auditEntryKey(entry, randomBytes(8).toString('hex'));
        await insertOnce<{ json: string }>(await audit(), {
          entity: { partitionKey: entry.playerId, rowKey: key, json: JSON.stringify(entry) },
          same: (stored) => sameAuditEntry(JSON.parse(stored.json) as AuditEntry, entry),
          store: 'audit',
        });
      }),
    entries: ({ playerId, limit, after }) =>
      tablesCall(async () => {
        const { rows, next } = await readPage<{ json: string }>(await audit(), { partitionKey: playerId, limit, ...(after === undefined ? {} : { after }) });
        return withNext(
          rows.map((row) => JSON.parse(row.json) as AuditEntry),
          next,
        );
      }),
    quarantine: (item) =>
      tablesCall(async () => {
        const client = await quarantineTable();
        // The eventId index is written first and decides the row: a later copy of the same event
        // (enqueued at another time) lands on the first copy's row instead of adding a second.
        const index = await insertOnce<{ playerId: string; quarantinedAtMs: number }>(client, {
          entity: { partitionKey: BY_EVENT, rowKey: item.event.eventId, playerId: item.event.playerId, quarantinedAtMs: item.quarantinedAtMs },
          same: (stored) => stored.playerId === item.event.playerId,
          store: 'quarantine',
        });
        const stored: QuarantinedEvent = { ...item, quarantinedAtMs: index.quarantinedAtMs };
        const key = quarantineKey(stored);
        await insertOnce<QuarantineRow>(client, {
          entity: { partitionKey: item.event.playerId, rowKey: key, json: JSON.stringify(stored), quarantinedAtMs: stored.quarantinedAtMs, released: '', kept: '' },
          same: (row) => sameQuarantinedEvent(toQuarantined(row), stored),
          store: 'quarantine',
        });
        await insertOnce<{ playerId: string }>(client, {
          entity: { partitionKey: BY_TIME, rowKey: key, playerId: item.event.playerId },
          same: (row) => row.playerId === item.event.playerId,
          store: 'quarantine',
        });
      }),
    listQuarantine: ({ playerId, limit, after }) =>
      tablesCall(async () => {
        const client = await quarantineTable();
        const position = after === undefined ? {} : { after };
        if (playerId !== undefined) {
          const { rows, next } = await readPage<QuarantineRow>(client, { partitionKey: playerId, limit, ...position });
          return withNext(rows.map(toQuarantined), next);
        }
        const { rows, next } = await readPage<{ playerId: string }>(client, { partitionKey: BY_TIME, limit, ...position });
        // One point read per listed row (≤ limit, in parallel) keeps `released` in one place. A
        // listed entity always has a RowKey; the SDK types it optional.
        const items = await Promise.all(rows.map((row) => pointRead<QuarantineRow>(client, row.playerId, row.rowKey ?? '')));
        return withNext(
          items.filter((row) => row !== undefined).map(toQuarantined),
          next,
        );
      }),
    findQuarantined: (eventId) => tablesCall(async () => (await findById(await quarantineTable(), eventId))?.item),
    markReleased: ({ eventId, atMs, by }) => tablesCall(async () => decide({ client: await quarantineTable(), eventId, outcome: 'released' as const, column: 'released', value: { atMs, by } })),
    markKept: ({ eventId, atMs, by, reason }) => tablesCall(async () => decide({ client: await quarantineTable(), eventId, outcome: 'kept' as const, column: 'kept', value: { atMs, by, reason } })),
  };
}

/**
 * One decision per quarantined event (release or keep). The ETag makes the write a
 * compare-and-set: of two concurrent decisions, one wins and the other sees `already`.
 */
async function decide<O extends 'released' | 'kept'>(options: {
  readonly client: TableClient;
  readonly eventId: string;
  readonly outcome: O;
  readonly column: 'released' | 'kept';
  readonly value: { readonly atMs: number; readonly by: string; readonly reason?: string };
}): Promise<{ outcome: O | 'already' | 'missing'; item?: QuarantinedEvent }> {
  const { client, eventId, column, value } = options;
  const found = await findById(client, eventId);
  if (found === undefined) return { outcome: 'missing' };
  if (isDecided(found.item)) return { outcome: 'already', item: found.item };
  try {
    await client.updateEntity({ partitionKey: found.item.event.playerId, rowKey: found.rowKey, [column]: JSON.stringify(value) }, 'Merge', { etag: found.etag });
  } catch (error: unknown) {
    if (error instanceof RestError && error.statusCode === 412) return { outcome: 'already', item: found.item };
    throw error;
  }
  return { outcome: options.outcome, item: { ...found.item, [column]: value } };
}

function toQuarantined(entity: { json: string; released?: unknown; kept?: unknown }): QuarantinedEvent {
  const item = JSON.parse(entity.json) as QuarantinedEvent;
  const released = typeof entity.released === 'string' && entity.released !== '' ? { released: JSON.parse(entity.released) as NonNullable<QuarantinedEvent['released']> } : {};
  const kept = typeof entity.kept === 'string' && entity.kept !== '' ? { kept: JSON.parse(entity.kept) as NonNullable<QuarantinedEvent['kept']> } : {};
  return { ...item, ...released, ...kept };
}

/** Two point reads: the eventId index names the row, the row holds the event. */
async function findById(client: TableClient, eventId: string): Promise<{ item: QuarantinedEvent; rowKey: string; etag: string } | undefined> {
  const index = await pointRead<{ playerId: string; quarantinedAtMs: number }>(client, BY_EVENT, eventId);
  if (index === undefined) return undefined;
  const rowKey = quarantineKey({ quarantinedAtMs: index.quarantinedAtMs, event: { eventId } });
  // Absent when a crash fell between the index and the row; the redelivery writes the row.
  const row = await pointRead<QuarantineRow>(client, index.playerId, rowKey);
  return row === undefined ? undefined : { item: toQuarantined(row), rowKey, etag: row.etag };
}

/**
 * One page of one partition in RowKey order: rows after `after`, asking for `limit + 1` so that
 * `next` is set only when another row exists. The service may split a page (it returns fewer rows
 * and a continuation token), so pages are read until `limit + 1` rows or the end.
 */
export async function readPage<T extends object>(
  client: TableClient,
  options: { readonly partitionKey: string; readonly limit: number; readonly after?: string },
): Promise<{ rows: TableEntityResult<T>[]; next: string | undefined }> {
  const { partitionKey, limit, after } = options;
  const filter = after === undefined ? odata`PartitionKey eq ${partitionKey}` : odata`PartitionKey eq ${partitionKey} and RowKey gt ${after}`;
  const rows: TableEntityResult<T>[] = [];
  for await (const page of client.listEntities<T>({ queryOptions: { filter } }).byPage({ maxPageSize: limit + 1 })) {
    rows.push(...page);
    if (rows.length > limit) break;
  }
  const served = rows.slice(0, limit);
  return { rows: served, next: rows.length > limit ? served.at(-1)?.rowKey : undefined };
}

function withNext<T>(items: T[], next: string | undefined): KeyPage<T> {
  return next === undefined ? { items } : { items, next };
}

/** An entity, or undefined when it does not exist (a 404 is an answer here, not a failure). */
async function pointRead<T extends object>(client: TableClient, partitionKey: string, rowKey: string): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (error: unknown) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** Creates the table on first use (once per process), so a fresh account needs no setup step. */
export function lazyTable(tables: TableStorage, name: string): () => Promise<TableClient> {
  let ready: Promise<TableClient> | undefined;
  return () =>
    (ready ??= tables.ensureTable(name).then(
      () => tables.tableClient(name),
      (error: unknown) => {
        ready = undefined;
        throw error;
      },
    ));
}

/**
 * Inserts a row and returns what is stored. A 409 means the key is taken: by the same fact (an
 * earlier delivery, so the first write stands and is returned) or by a different one, which is an
 * AuditConflictError rather than a silently lost record (issue #19 item 3).
 */
export async function insertOnce<T extends object>(
  client: TableClient,
  options: { readonly entity: { partitionKey: string; rowKey: string } & T; readonly same: (stored: T) => boolean; readonly store: 'audit' | 'quarantine' },
): Promise<T> {
  const { entity } = options;
  try {
    await client.createEntity(entity);
    return entity;
  } catch (error: unknown) {
    if (!(error instanceof RestError && error.statusCode === 409)) throw error;
  }
  const stored = await pointRead<T>(client, entity.partitionKey, entity.rowKey);
  if (stored === undefined || !options.same(stored)) throw new AuditConflictError({ store: options.store, key: `${entity.partitionKey}/${entity.rowKey}` });
  return stored;
}

/**
 * SDK errors without a status (network) and throttling/5xx answers are outages (503, retry);
 * anything else (a 400 for a bad key, a parse error) is a bug and propagates.
 */
async function tablesCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error: unknown) {
    if (error instanceof RestError) {
      const status = error.statusCode;
      if (status === undefined || status === 429 || status >= 500) throw new DependencyUnavailableError({ dependency: 'tables', cause: error });
    }
    throw error;
  }
}
