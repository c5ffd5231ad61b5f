import { assertSchemaCurrent, defaultMigrationsDir, MigrationError } from '../adapters/mysql/migrations.js';
import { isTransientMysqlError } from '../adapters/mysql/mysql-errors.js';
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
  } catch (error: unknown) {
    if (error instanceof MigrationError) throw error;
    if (isTransientMysqlError(error)) {
      app.logger.warn('MySQL is unreachable at start-up; the schema will not be checked until restart', { err: error });
      return;
    }
    throw error;
  }
}
