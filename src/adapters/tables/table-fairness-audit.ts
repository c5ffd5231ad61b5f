import { odata, RestError, type TableClient } from '@azure/data-tables';
import { auditEntryId, type AuditEntry, type FairnessAudit, type QuarantinedEvent } from '../../core/fairness/audit.js';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import type { TableStorage } from './table-storage.js';

/**
 * Fairness audit trail and quarantine in Azure Table Storage:
 *   `<prefix>Audit`       PartitionKey playerId, RowKey `<atMs padded>-<kind>[-<eventId>]`, json
 *   `<prefix>Quarantine`  PartitionKey playerId, RowKey eventId, json, quarantinedAtMs, released
 * A player's history is one partition query. Writes use insert (not upsert): the first write of a
 * fact wins and a redelivered one is a 409 that is ignored. Finding a quarantined event by id
 * alone is a cross-partition query; it only serves the admin release route.
 */
export function createTableFairnessAudit(options: { readonly tables: TableStorage; readonly prefix?: string }): FairnessAudit {
  const prefix = options.prefix ?? 'liveops';
  const audit = lazyTable(options.tables, `${prefix}Audit`);
  const quarantineTable = lazyTable(options.tables, `${prefix}Quarantine`);

  const toQuarantined = (entity: { json?: unknown; released?: unknown }): QuarantinedEvent => {
    const item = JSON.parse(String(entity.json)) as QuarantinedEvent;
    return typeof entity.released === 'string' && entity.released !== '' ? { ...item, released: JSON.parse(entity.released) as { atMs: number; by: string } } : item;
  };

  return {
    record: (entry) =>
      tablesCall(async () => {
        await insertOnce(await audit(), { partitionKey: entry.playerId, rowKey: auditEntryId(entry), json: JSON.stringify(entry) });
      }),
    entries: (playerId) =>
      tablesCall(async () => {
        const client = await audit();
        const entries: AuditEntry[] = [];
        for await (const entity of client.listEntities<{ json: string }>({ queryOptions: { filter: odata`PartitionKey eq ${playerId}` } })) {
          entries.push(JSON.parse(entity.json) as AuditEntry);
        }
        return entries;
      }),
    quarantine: (item) =>
      tablesCall(async () => {
        await insertOnce(await quarantineTable(), {
          partitionKey: item.event.playerId,
          rowKey: item.event.eventId,
          json: JSON.stringify(item),
          quarantinedAtMs: item.quarantinedAtMs,
          released: '',
        });
      }),
    listQuarantine: ({ playerId, limit }) =>
      tablesCall(async () => {
        const client = await quarantineTable();
        const items: QuarantinedEvent[] = [];
        const filter = playerId === undefined ? undefined : odata`PartitionKey eq ${playerId}`;
        for await (const entity of client.listEntities<{ json: string; released: string }>(filter === undefined ? {} : { queryOptions: { filter } })) {
          items.push(toQuarantined(entity));
        }
        return items.sort((a, b) => b.quarantinedAtMs - a.quarantinedAtMs || a.event.eventId.localeCompare(b.event.eventId)).slice(0, limit);
      }),
    findQuarantined: (eventId) => tablesCall(async () => (await findById(await quarantineTable(), eventId))?.item),
    markReleased: ({ eventId, atMs, by }) =>
      tablesCall(async () => {
        const client = await quarantineTable();
        const found = await findById(client, eventId);
        if (found === undefined) return { outcome: 'missing' as const };
        if (found.item.released !== undefined) return { outcome: 'already' as const, item: found.item };
        const released = { atMs, by };
        try {
          // The ETag makes this a compare-and-set: of two concurrent releases, one wins.
          await client.updateEntity({ partitionKey: found.item.event.playerId, rowKey: eventId, released: JSON.stringify(released) }, 'Merge', { etag: found.etag });
        } catch (error: unknown) {
          if (error instanceof RestError && error.statusCode === 412) return { outcome: 'already' as const, item: found.item };
          throw error;
        }
        return { outcome: 'released' as const, item: { ...found.item, released } };
      }),
  };

  async function findById(client: TableClient, eventId: string): Promise<{ item: QuarantinedEvent; etag: string } | undefined> {
    for await (const entity of client.listEntities<{ json: string; released: string }>({ queryOptions: { filter: odata`RowKey eq ${eventId}` } })) {
      return { item: toQuarantined(entity), etag: entity.etag };
    }
    return undefined;
  }
}

/** Creates the table on first use (once per process), so a fresh account needs no setup step. */
function lazyTable(tables: TableStorage, name: string): () => Promise<TableClient> {
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

async function insertOnce(client: TableClient, entity: { partitionKey: string; rowKey: string } & Record<string, unknown>): Promise<void> {
  try {
    await client.createEntity(entity);
  } catch (error: unknown) {
    // Already written by an earlier delivery of the same message: the first write stands.
    if (error instanceof RestError && error.statusCode === 409) return;
    throw error;
  }
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
