import { afterAll, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate } from '../../src/adapters/mysql/migrations.js';
import type { AppContext } from '../../src/app/app-context.js';
import { checkSchema } from '../../src/app/schema-check.js';
import { testApp } from '../support/app.js';
import { createTestDatabase, integrationSuite, recordingLogger, type TestDatabase } from '../support/services.js';

integrationSuite('start-up schema check', ['mysql'], () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  const appFor = (db: TestDatabase | string): AppContext => {
    const { app } = testApp({ env: { MYSQL_URL: typeof db === 'string' ? db : db.url } });
    cleanup.push(() => app.close());
    return app;
  };

  it('refuses a schema that is behind, naming the pending migrations and the command', async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const app = appFor(db);
    await expect(checkSchema(app)).rejects.toThrow(/MySQL schema is behind: pending 0001_baseline, 0002_progression.*run `npm run migrate`/);
    const pool = app.mysql;
    if (pool === undefined) throw new Error('expected a MySQL pool');
    await migrate({ pool, dir: defaultMigrationsDir(), logger: recordingLogger().logger });
    await expect(checkSchema(app)).resolves.toBeUndefined();
    const [rows] = await pool.query('SELECT reward_id FROM reward_catalog ORDER BY reward_id');
    expect(rows).toEqual(expect.arrayContaining([{ reward_id: 'level_5_chest' }, { reward_id: 'dragonslayer_title' }]));
  });

  it('does not refuse to start when MySQL is down (readiness reports it instead)', async () => {
    await expect(checkSchema(appFor('mysql://root@127.0.0.1:1/test'))).resolves.toBeUndefined();
  });
});
