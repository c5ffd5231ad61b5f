import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { type Logger } from '../../core/logging/logger.js';

/** One `NNNN_description.sql` file. `id` (`0002_add_rewards`) is what messages and results show. */
export interface Migration {
  readonly version: number;
  readonly id: string;
  readonly file: string;
  readonly sql: string;
  /** sha256 (hex) of the file with line endings normalised, so a CRLF checkout is not a change. */
  readonly checksum: string;
}

/** A migration problem an operator must fix; its message is safe to print as it is. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrateOptions {
  readonly pool: Pool;
  readonly dir: string;
  readonly logger: Logger;
  /** How long to wait for another process's run to finish. Default 60 s. */
  readonly lockTimeoutS?: number;
}

const LOCK_NAME = 'liveops_migrations';
const FILE_PATTERN = /^(\d{4})_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;
const ER_NO_SUCH_TABLE = 1146;

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  checksum CHAR(64) NOT NULL,
  applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

/**
 * Applies every pending migration in version order and returns the ids it applied. Runs under a
 * server-side named lock, so concurrent runs (two deploys, two pods) apply each migration once.
 */
export async function migrate(options: MigrateOptions): Promise<{ applied: string[] }> {
  const { pool, logger } = options;
  const migrations = await readMigrations(options.dir);
  const lockTimeoutS = options.lockTimeoutS ?? 60;
  // GET_LOCK belongs to a session: lock, check and apply all on this one connection.
  const conn = await pool.getConnection();
  let locked = false;
  try {
    const [lockRows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, lockTimeoutS]);
    // Compared as a number: pools created with bigNumberStrings return this BIGINT as '1'.
    if (Number(lockRows[0]?.got) !== 1) {
      throw new MigrationError(
        `could not take the migration lock within ${lockTimeoutS} s; is another \`npm run migrate\` still running?`,
      );
    }
    locked = true;
    await conn.query(CREATE_SCHEMA_MIGRATIONS);
    const pending = planPending(migrations, await readApplied(conn), options.dir);
    const applied: string[] = [];
    for (const migration of pending) {
      const started = Date.now();
      await applyOne(conn, migration);
      applied.push(migration.id);
      logger.info('migration applied', { migration: migration.id, durationMs: Date.now() - started });
    }
    if (applied.length === 0) logger.info('schema is up to date', { migrations: migrations.length });
    return { applied };
  } finally {
    await releaseConnection({ conn, locked, logger });
  }
}

/** Ids of migration files not yet applied (all of them when `schema_migrations` is missing). */
export async function pendingMigrations(options: { pool: Pool; dir: string }): Promise<string[]> {
  const migrations = await readMigrations(options.dir);
  let appliedVersions: Set<number>;
  try {
    const [rows] = await options.pool.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
    appliedVersions = new Set(rows.map((row) => Number(row.version)));
  } catch (error: unknown) {
    if (errno(error) !== ER_NO_SUCH_TABLE) throw error;
    appliedVersions = new Set();
  }
  return migrations.filter((m) => !appliedVersions.has(m.version)).map((m) => m.id);
}

/** The start-up check: refuses to run against a schema older than the code. */
export async function assertSchemaCurrent(options: { pool: Pool; dir: string }): Promise<void> {
  const pending = await pendingMigrations(options);
  if (pending.length > 0) {
    throw new MigrationError(`MySQL schema is behind: pending ${pending.join(', ')}; run \`npm run migrate\``);
  }
}

/** Every migration file in `dir`, ordered by version; a misnamed `.sql` file is an error, not skipped. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error: unknown) {
    throw new MigrationError(`cannot read the migrations directory ${dir}: ${errorMessage(error)}`);
  }
  const byVersion = new Map<number, Migration>();
  for (const file of names.filter((name) => name.endsWith('.sql')).sort()) {
    const match = FILE_PATTERN.exec(file);
    if (match?.[1] === undefined) {
      throw new MigrationError(`migration file ${file} is not named NNNN_description.sql`);
    }
    const version = Number(match[1]);
    const existing = byVersion.get(version);
    if (existing !== undefined) {
      throw new MigrationError(`migrations ${existing.file} and ${file} share version ${match[1]}`);
    }
    const sql = (await readFile(path.join(dir, file), 'utf8')).replace(/\r\n/g, '\n');
    const checksum = createHash('sha256').update(sql, 'utf8').digest('hex');
    byVersion.set(version, { version, id: file.slice(0, -'.sql'.length), file, sql, checksum });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/** `migrations/mysql` of this package, found from this file in both `src/` and `dist/src/`. */
export function defaultMigrationsDir(): string {
  for (let dir = __dirname, i = 0; i < 6; dir = path.dirname(dir), i += 1) {
    const candidate = path.join(dir, 'migrations', 'mysql');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve('migrations', 'mysql');
}

interface AppliedRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

async function readApplied(conn: PoolConnection): Promise<AppliedRow[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return rows.map((row) => ({ version: Number(row.version), name: String(row.name), checksum: String(row.checksum) }));
}

/** Checks the recorded history against the files and returns what is left to apply. */
function planPending(migrations: readonly Migration[], applied: readonly AppliedRow[], dir: string): Migration[] {
  const files = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = files.get(row.version);
    if (migration === undefined) {
      throw new MigrationError(
        `migration ${row.name} is applied in the database but has no file in ${dir}; ` +
          'restore the file (applied migrations are never deleted), or deploy the code that has it',
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${migration.id} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… ` +
          `in the database, ${migration.checksum.slice(0, 12)}… on disk); ` +
          'revert the edit and put the change in a new migration',
      );
    }
  }
  const appliedVersions = new Set(applied.map((row) => row.version));
  return migrations.filter((m) => !appliedVersions.has(m.version));
}

/**
 * Runs one migration's statements, then records it at once: DDL commits implicitly, so there is
 * no transaction to roll back, and a migration that ran must never look pending.
 */
async function applyOne(conn: PoolConnection, migration: Migration): Promise<void> {
  let statements: string[];
  try {
    statements = splitSqlStatements(migration.sql);
  } catch (error: unknown) {
    throw new MigrationError(`migration ${migration.id}: ${errorMessage(error)}`);
  }
  for (const [index, statement] of statements.entries()) {
    try {
      await conn.query(statement);
    } catch (error: unknown) {
      const done = index === 0 ? 'nothing before it ran' : `statements 1–${index} already ran and were not undone`;
      throw new MigrationError(
        `migration ${migration.id} failed at statement ${index + 1} of ${statements.length} (${done}; ` +
          `it is not recorded): ${errorMessage(error)}`,
      );
    }
  }
  await conn.query('INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)', [
    migration.version,
    migration.id,
    migration.checksum,
  ]);
}

async function releaseConnection(args: { conn: PoolConnection; locked: boolean; logger: Logger }): Promise<void> {
  const { conn, locked, logger } = args;
  if (!locked) {
    conn.release();
    return;
  }
  try {
    await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    conn.release();
  } catch (error: unknown) {
    // Ending the session releases the lock server-side; never pool a connection that may hold it.
    logger.warn('releasing the migration lock failed; closing its connection', { error: errorMessage(error) });
    conn.destroy();
  }
}

/**
 * Splits a migration into statements at a `;` that ends its line (a trailing `-- comment` is
 * allowed). Quotes, backticks and comments are skipped, so a `;` inside them never splits; a `;`
 * with more SQL after it on the line is refused, since without `multipleStatements` the server
 * would reject it anyway. Comment-only chunks are dropped.
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const skipTo = (terminator: string, from: number): number => {
    const end = sql.indexOf(terminator, from);
    return end === -1 ? sql.length : end + terminator.length;
  };
  while (i < sql.length) {
    const ch = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (ch === '#' || (ch === '-' && next === '-' && /\s|^$/.test(sql[i + 2] ?? ''))) {
      i = skipTo('\n', i);
    } else if (ch === '/' && next === '*') {
      // `/*! … */` and `/*+ … */` are executed by the server, so they count as code.
      if (sql[i + 2] === '!' || sql[i + 2] === '+') hasCode = true;
      i = skipTo('*/', i + 2);
    } else if (ch === "'" || ch === '"' || ch === '`') {
      hasCode = true;
      i += 1;
      while (i < sql.length && sql[i] !== ch) i += ch !== '`' && sql[i] === '\\' ? 2 : 1;
      if (i >= sql.length) throw new Error(`unterminated ${ch} quote`);
      i += 1;
    } else if (ch === ';') {
      const rest = /^[ \t]*(?:(?:--(?=[ \t\n]|$)|#)[^\n]*)?(?:\n|$)/.exec(sql.slice(i + 1));
      if (rest === null) {
        const line = sql.slice(0, i).split('\n').length;
        throw new Error(`line ${line}: a ';' must end its line (one statement per ';' at line end)`);
      }
      if (hasCode) statements.push(sql.slice(start, i).trim());
      i += 1 + rest[0].length;
      start = i;
      hasCode = false;
    } else {
      if (!/\s/.test(ch)) hasCode = true;
      i += 1;
    }
  }
  if (hasCode) statements.push(sql.slice(start).trim());
  return statements;
}

function errno(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'errno' in error && typeof error.errno === 'number') {
    return error.errno;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
