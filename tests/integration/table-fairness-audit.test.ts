import { randomBytes, randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLegacyFairnessTables } from '../../src/adapters/tables/legacy-fairness-migration.js';
import { createTableFairnessAudit } from '../../src/adapters/tables/table-fairness-audit.js';
import { createTableStorage, type TableStorage } from '../../src/adapters/tables/table-storage.js';
import type { QuarantinedEvent } from '../../src/core/fairness/audit.js';
import { fairnessAuditContract } from '../contract/fairness-audit.contract.js';
import { recordingLogger, startAzurite, type Azurite } from '../support/services.js';

interface Query {
  readonly filter: string | undefined;
  /** `top` of the pages read; undefined when the query was iterated without a page size. */
  top: number | undefined;
}

/** Table Storage whose clients record every query they send (filter and page size). */
function recordingTables(inner: TableStorage): { tables: TableStorage; queries: Query[] } {
  const queries: Query[] = [];
  const wrap = (client: TableClient): TableClient =>
    new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'listEntities') return Reflect.get(target, property, receiver) as unknown;
        return (...args: Parameters<TableClient['listEntities']>) => {
          const query: Query = { filter: args[0]?.queryOptions?.filter, top: undefined };
          queries.push(query);
          const iterator = target.listEntities(...args);
          return new Proxy(iterator, {
            get(it, name, r) {
              if (name !== 'byPage') return Reflect.get(it, name, r) as unknown;
              return (settings?: { maxPageSize?: number }) => {
                query.top = settings?.maxPageSize;
                return it.byPage(settings);
              };
            },
          });
        };
      },
    });
  return { tables: { ...inner, tableClient: (name) => wrap(inner.tableClient(name)) }, queries };
}

function quarantined(playerId: string, atMs: number): QuarantinedEvent {
  return {
    event: { eventId: randomUUID(), type: 'boss_kill', playerId, ts: atMs, season: 1, payload: { bossId: 'dragon', tier: 3, points: 15_000 } },
    verdict: { kind: 'flag', rule: 'anomaly', value: 15_000, statistic: 40.1, threshold: 3.5 },
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    quarantinedAtMs: atMs,
  };
}

describe('Table Storage fairness audit (Azurite)', () => {
  let azurite: Azurite | undefined;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  const storage = (): TableStorage => {
    if (azurite === undefined) throw new Error('Azurite did not start (see beforeAll)');
    return createTableStorage({ connectionString: azurite.connectionString }, { logger: recordingLogger().logger });
  };
  // A fresh table pair per test: Table names are alphanumeric, so the prefix is too.
  const prefix = (): string => `t${randomBytes(5).toString('hex')}`;

  fairnessAuditContract('tables', () => createTableFairnessAudit({ tables: storage(), prefix: prefix() }));

  it('never scans: find and release are point reads, listings read one page of one partition (#19 item 5)', async () => {
    const { tables, queries } = recordingTables(storage());
    const audit = createTableFairnessAudit({ tables, prefix: prefix() });
    const T0 = Date.UTC(2026, 10, 25, 8);
    const items = [quarantined('p1', T0), quarantined('p1', T0 + 1), quarantined('p2', T0 + 2)];
    for (const item of items) await audit.quarantine(item);
    const target = items[0]?.event.eventId ?? '';
    await audit.record({ kind: 'admin-block', playerId: 'p1', atMs: T0, untilMs: T0 + 1, reason: 'r', by: 'ops' });
    expect(queries).toEqual([]);

    expect(await audit.findQuarantined(target)).toEqual(items[0]);
    expect((await audit.markReleased({ eventId: target, atMs: T0 + 5, by: 'ops' })).outcome).toBe('released');
    expect(queries).toEqual([]);

    await audit.listQuarantine({ limit: 2 });
    await audit.listQuarantine({ playerId: 'p1', limit: 2 });
    await audit.entries({ playerId: 'p1', limit: 2 });
    expect(queries).toHaveLength(3);
    for (const query of queries) {
      expect(query.filter).toMatch(/^PartitionKey eq '[^']+'/);
      expect(query.top).toBe(3);
    }
  });

  it('migrates the pre-#19 tables into the paged layout, and a rerun changes nothing', async () => {
    const tables = storage();
    const p = prefix();
    const T0 = Date.UTC(2026, 10, 25, 8);
    const item = quarantined('p1', T0);
    const flag = { kind: 'flag' as const, playerId: 'p1', eventId: item.event.eventId, atMs: T0, verdict: item.verdict };
    const block = { kind: 'admin-block' as const, playerId: 'p1', atMs: T0 + 5, untilMs: T0 + 60_005, reason: 'r', by: 'ops' };
    // The old layout, written as the old adapter did.
    await tables.ensureTable(`${p}Audit`);
    await tables.ensureTable(`${p}Quarantine`);
    const pad = (ms: number) => String(ms).padStart(15, '0');
    await tables.tableClient(`${p}Audit`).createEntity({ partitionKey: 'p1', rowKey: `${pad(T0)}-flag-${flag.eventId}`, json: JSON.stringify(flag) });
    await tables.tableClient(`${p}Audit`).createEntity({ partitionKey: 'p1', rowKey: `${pad(T0 + 5)}-admin-block`, json: JSON.stringify(block) });
    const released = { atMs: T0 + 9, by: 'ops' };
    await tables.tableClient(`${p}Quarantine`).createEntity({ partitionKey: 'p1', rowKey: item.event.eventId, json: JSON.stringify(item), quarantinedAtMs: T0, released: JSON.stringify(released) });

    const first = await migrateLegacyFairnessTables({ tables, prefix: p });
    expect(first).toEqual({ auditEntries: 2, quarantined: 1, released: 1 });
    expect(await migrateLegacyFairnessTables({ tables, prefix: p })).toEqual(first);
    const audit = createTableFairnessAudit({ tables, prefix: p });
    expect(await audit.entries({ playerId: 'p1', limit: 10 })).toEqual({ items: [block, flag] });
    expect(await audit.findQuarantined(item.event.eventId)).toEqual({ ...item, released });
    expect((await audit.listQuarantine({ limit: 10 })).items).toEqual([{ ...item, released }]);
  });
});
