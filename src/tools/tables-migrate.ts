/**
 * `npm run tables:migrate [-- --prefix liveops]`: copies the fairness audit and quarantine from
 * the pre-#19 tables into the paged layout (docs/fairness.md, "State"). Reads TABLES_CONNECTION
 * or TABLES_ENDPOINT (with DefaultAzureCredential) from the environment; prints a JSON report.
 */
import { createJsonLogger } from '../adapters/logging/json-logger.js';
import { migrateLegacyFairnessTables } from '../adapters/tables/legacy-fairness-migration.js';
import { createTableStorage, type TableStorageConfig } from '../adapters/tables/table-storage.js';
import { runCli, UsageError, writeOut } from './cli.js';

runCli('tables-migrate', async () => {
  const args = process.argv.slice(2);
  const at = args.indexOf('--prefix');
  const prefix = at === -1 ? 'liveops' : args[at + 1];
  if (prefix === undefined || !/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(prefix)) throw new UsageError('--prefix takes an alphanumeric table prefix (default liveops)');
  const connectionString = process.env.TABLES_CONNECTION;
  const endpoint = process.env.TABLES_ENDPOINT;
  const config: TableStorageConfig | undefined = connectionString !== undefined && connectionString !== '' ? { connectionString } : endpoint !== undefined && endpoint !== '' ? { endpoint } : undefined;
  if (config === undefined) throw new UsageError('set TABLES_CONNECTION or TABLES_ENDPOINT');
  const tables = createTableStorage(config, { logger: createJsonLogger({ level: 'warn' }) });
  writeOut(JSON.stringify(await migrateLegacyFairnessTables({ tables, prefix }), null, 2));
  return 0;
});
