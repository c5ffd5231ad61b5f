import { afterAll } from 'vitest';
import { silentLogger } from '../../src/adapters/logging/json-logger.js';
import { defaultMigrationsDir, migrate } from '../../src/adapters/mysql/migrations.js';
import { createMysqlLeaderboardArchive } from '../../src/adapters/mysql/mysql-leaderboard-archive.js';
import { createMysqlLock } from '../../src/adapters/mysql/mysql-lock.js';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/mysql-pool.js';
import { leaderboardArchiveContract } from '../contract/leaderboard-archive.contract.js';
import { createTestDatabase, integrationSuite, type TestDatabase } from '../support/services.js';

integrationSuite('mysql leaderboard archive', ['mysql'], (urls) => {
  const opened: { db: TestDatabase; mysql: MysqlPool }[] = [];
  afterAll(async () => {
    for (const { db, mysql } of opened) {
      await mysql.dependency.close();
      await db.drop();
    }
  });
  leaderboardArchiveContract('mysql', async () => {
    const db = await createTestDatabase(urls.mysql);
    const mysql = createMysqlPool({ url: db.url, logger: silentLogger });
    opened.push({ db, mysql });
    await migrate({ pool: mysql.pool, dir: defaultMigrationsDir(), logger: silentLogger });
    return { archive: createMysqlLeaderboardArchive({ pool: mysql.pool, logger: silentLogger }), lock: createMysqlLock({ pool: mysql.pool, logger: silentLogger }) };
  });
});
