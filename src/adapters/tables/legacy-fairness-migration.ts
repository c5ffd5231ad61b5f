import type { AuditEntry, QuarantinedEvent } from '../../core/fairness/audit.js';
import { sameAuditEntry } from '../../core/fairness/audit.js';
import { auditEntryKey } from '../../core/fairness/audit-keys.js';
import { createTableFairnessAudit, fairnessTableNames, insertOnce, lazyTable } from './table-fairness-audit.js';
import type { TableStorage } from './table-storage.js';

export interface MigrationReport {
  readonly auditEntries: number;
  readonly quarantined: number;
  readonly released: number;
}

/**
 * Copies the pre-#19 layout (`<prefix>Audit`: RowKey `<ms>-<kind>[-<eventId>]`; `<prefix>Quarantine`:
 * RowKey eventId) into the paged layout of `table-fairness-audit.ts`. A one-off operator step
 * (`npm run tables:migrate`), so it may scan the old tables. Safe to rerun: every row lands on a
 * deterministic key and an existing equal row is left alone. Old admin rows get the suffix
 * `legacy`: the old key was unique per millisecond and kind, so two of them cannot meet. The old
 * tables are not touched; delete them once the report looks right.
 */
export async function migrateLegacyFairnessTables(options: { readonly tables: TableStorage; readonly prefix?: string }): Promise<MigrationReport> {
  const prefix = options.prefix ?? 'liveops';
  const { tables } = options;
  const legacyAudit = `${prefix}Audit`;
  const legacyQuarantine = `${prefix}Quarantine`;
  const target = createTableFairnessAudit({ tables, prefix });
  const newAudit = lazyTable(tables, fairnessTableNames(prefix).audit);
  let auditEntries = 0;
  let quarantined = 0;
  let released = 0;
  const existing = new Set<string>();
  for await (const table of tables.service.listTables()) if (table.name !== undefined) existing.add(table.name);

  if (existing.has(legacyAudit)) {
    for await (const row of tables.tableClient(legacyAudit).listEntities<{ json: string }>()) {
      const entry = JSON.parse(row.json) as AuditEntry;
      await insertOnce<{ json: string }>(await newAudit(), {
        entity: { partitionKey: entry.playerId, rowKey: auditEntryKey(entry, 'legacy'), json: JSON.stringify(entry) },
        same: (stored) => sameAuditEntry(JSON.parse(stored.json) as AuditEntry, entry),
        store: 'audit',
      });
      auditEntries += 1;
    }
  }
  if (existing.has(legacyQuarantine)) {
    for await (const row of tables.tableClient(legacyQuarantine).listEntities<{ json: string; released?: string }>()) {
      const item = JSON.parse(row.json) as QuarantinedEvent;
      await target.quarantine(item);
      quarantined += 1;
      if (typeof row.released === 'string' && row.released !== '') {
        const mark = JSON.parse(row.released) as { atMs: number; by: string };
        // `already` on a rerun; the first migration's mark stands.
        await target.markReleased({ eventId: item.event.eventId, atMs: mark.atMs, by: mark.by });
        released += 1;
      }
    }
  }
  return { auditEntries, quarantined, released };
}
