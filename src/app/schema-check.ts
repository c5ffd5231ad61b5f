import { assertSchemaCurrent, defaultMigrationsDir, MigrationError } from '../adapters/mysql/migrations.js';
import { isTransientMysqlError } from '../adapters/mysql/mysql-errors.js';
import { toDatetime } from '../adapters/mysql/mysql-errors.js';
import type { AppContext } from './app-context.js';

/**
 * The start-up schema check (issue #5): with MYSQL_URL set, refuse to start against a schema older
 * than the code, with a message saying to run `npm run migrate`. MySQL being down is not a reason
 * to refuse: the worker starts, readiness reports MySQL down, and consumers back off until it
 * returns.
 */
export async function checkSchema(app: AppContext): Promise<void> {
  const pool = app.mysql;
  if (pool === undefined) return;
  try {
    await assertSchemaCurrent({ pool, dir: defaultMigrationsDir() });
    await syncRewardCatalog(app);
  } catch (error: unknown) {
    if (error instanceof MigrationError) throw error;
    if (isTransientMysqlError(error)) {
      app.logger.warn('MySQL is unreachable at start-up; the schema will not be checked until restart', { err: error });
      return;
    }
    throw error;
  }
}

/**
 * Records the reward catalogue this worker runs with (REWARDS) in `reward_catalog`, so a receipt
 * can be audited against the definition it was issued under after the setting changes.
 */
async function syncRewardCatalog(app: AppContext): Promise<void> {
  const pool = app.mysql;
  const rewards = app.settings.progression.rewards;
  if (pool === undefined || rewards.length === 0) return;
  const at = toDatetime(app.now());
  await pool.query(
    'INSERT INTO reward_catalog (reward_id, definition, updated_at) VALUES ? ON DUPLICATE KEY UPDATE definition = VALUES(definition), updated_at = VALUES(updated_at)',
    [rewards.map((r) => [r.id, JSON.stringify(r), at])],
  );
}
