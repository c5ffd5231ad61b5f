import { silentLogger } from '../../src/adapters/logging/json-logger.js';
import { afterAll, beforeAll } from 'vitest';
import { defaultMigrationsDir, migrate } from '../../src/adapters/mysql/migrations.js';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/mysql-pool.js';
import { createMysqlProgressRepository } from '../../src/adapters/mysql/mysql-progress-repository.js';
import { createMysqlReceiptRepository } from '../../src/adapters/mysql/mysql-receipt-repository.js';
import { progressRepositoryContract, receiptRepositoryContract } from '../contract/progression.contract.js';
import { createTestDatabase, integrationSuite, recordingLogger, type TestDatabase } from '../support/services.js';

integrationSuite('MySQL progression repositories', ['mysql'], () => {
  let db: TestDatabase | undefined;
  let mysql: MysqlPool | undefined;
  const pool = (): MysqlPool['pool'] => {
    if (mysql === undefined) throw new Error('MySQL was not set up (see beforeAll)');
    return mysql.pool;
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    mysql = createMysqlPool({ url: db.url, logger: recordingLogger().logger });
    await migrate({ pool: mysql.pool, dir: defaultMigrationsDir(), logger: recordingLogger().logger });
  });
  afterAll(async () => {
    await mysql?.dependency.close();
    await db?.drop();
  });
  progressRepositoryContract('mysql', () => createMysqlProgressRepository({ pool: pool(), logger: silentLogger }));
  receiptRepositoryContract('mysql', () => createMysqlReceiptRepository({ pool: pool() }));
});
