import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Pool, type RowDataPacket } from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertSchemaCurrent,
  defaultMigrationsDir,
  migrate,
  MigrationError,
  pendingMigrations,
  readMigrations,
  splitSqlStatements,
} from '../../src/adapters/mysql/migrations.js';
import { createMysqlPool } from '../../src/adapters/mysql/mysql-pool.js';
import { type Dependency } from '../../src/core/health/dependency.js';
import { createTestDatabase, integrationSuite, recordingLogger, type TestDatabase } from '../support/services.js';

const M1 = `-- players
CREATE TABLE t_players (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  note VARCHAR(64) NOT NULL DEFAULT 'a;b'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
`;
// No unique key: a second run of this migration would leave two rows behind.
const M2 = `CREATE TABLE t_runs (label VARCHAR(32) NOT NULL) ENGINE=InnoDB;
INSERT INTO t_runs (label) VALUES ('0002');
`;
const M3 = `ALTER TABLE t_players ADD COLUMN level INT NOT NULL DEFAULT 1;`;

interface Fixture {
  db: TestDatabase;
  pool: Pool;
  dependency: Dependency;
  dir: string;
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
}

async function count(pool: Pool, sql: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(sql);
  return Number(rows[0]?.n);
}

integrationSuite('mysql migrations', ['mysql'], (urls) => {
  let f: Fixture;
  const logger = recordingLogger().logger;

  beforeEach(async () => {
    const db = await createTestDatabase(urls.mysql);
    const { pool, dependency } = createMysqlPool({ url: db.url, logger });
    const dir = await mkdtemp(path.join(tmpdir(), 'liveops-migrations-'));
    f = { db, pool, dependency, dir };
  });

  afterEach(async () => {
    await f.dependency.close();
    await f.db.drop();
    await rm(f.dir, { recursive: true, force: true });
  });

  it('applies pending migrations in order, records them, and re-running applies nothing', async () => {
    await write(f.dir, { '0002_runs.sql': M2, '0001_players.sql': M1, 'README.md': 'not a migration' });
    expect(await pendingMigrations({ pool: f.pool, dir: f.dir })).toEqual(['0001_players', '0002_runs']);

    expect(await migrate({ pool: f.pool, dir: f.dir, logger })).toEqual({ applied: ['0001_players', '0002_runs'] });
    expect(await migrate({ pool: f.pool, dir: f.dir, logger })).toEqual({ applied: [] });

    const [rows] = await f.pool.query<RowDataPacket[]>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const files = await readMigrations(f.dir);
    expect(rows).toEqual(files.map((m) => ({ version: m.version, name: m.id, checksum: m.checksum })));
    expect(await count(f.pool, 'SELECT COUNT(*) AS n FROM t_runs')).toBe(1);
    await assertSchemaCurrent({ pool: f.pool, dir: f.dir });
  });

  it('applies each migration exactly once when two processes migrate at the same time', async () => {
    await write(f.dir, { '0001_players.sql': M1, '0002_runs.sql': M2, '0003_level.sql': M3 });
    const other = createMysqlPool({ url: f.db.url, logger });
    try {
      const results = await Promise.all([
        migrate({ pool: f.pool, dir: f.dir, logger }),
        migrate({ pool: other.pool, dir: f.dir, logger }),
      ]);
      const applied = results.flatMap((r) => r.applied).sort();
      expect(applied).toEqual(['0001_players', '0002_runs', '0003_level']);
      expect(results.some((r) => r.applied.length === 0)).toBe(true);
      expect(await count(f.pool, 'SELECT COUNT(*) AS n FROM t_runs')).toBe(1);
      expect(await count(f.pool, 'SELECT COUNT(*) AS n FROM schema_migrations')).toBe(3);
    } finally {
      await other.dependency.close();
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    await write(f.dir, { '0001_players.sql': M1 });
    await migrate({ pool: f.pool, dir: f.dir, logger });
    await write(f.dir, { '0001_players.sql': M1.replace('VARCHAR(64) NOT NULL PRIMARY', 'VARCHAR(80) NOT NULL PRIMARY'), '0002_runs.sql': M2 });
    const run = migrate({ pool: f.pool, dir: f.dir, logger });
    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(/migration 0001_players was changed after it was applied/);
    expect(await count(f.pool, "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 't_runs'")).toBe(0);
  });

  it('treats CRLF line endings as the same migration', async () => {
    await write(f.dir, { '0001_players.sql': M1 });
    await migrate({ pool: f.pool, dir: f.dir, logger });
    await write(f.dir, { '0001_players.sql': M1.replace(/\n/g, '\r\n') });
    expect(await migrate({ pool: f.pool, dir: f.dir, logger })).toEqual({ applied: [] });
  });

  it('refuses to run when an applied migration has no file', async () => {
    await write(f.dir, { '0001_players.sql': M1, '0002_runs.sql': M2 });
    await migrate({ pool: f.pool, dir: f.dir, logger });
    await unlink(path.join(f.dir, '0002_runs.sql'));
    await expect(migrate({ pool: f.pool, dir: f.dir, logger })).rejects.toThrow(/migration 0002_runs is applied in the database but has no file/);
  });

  it('names the pending migrations when the schema is behind', async () => {
    await write(f.dir, { '0001_players.sql': M1 });
    await expect(assertSchemaCurrent({ pool: f.pool, dir: f.dir })).rejects.toThrow('pending 0001_players;');
    await migrate({ pool: f.pool, dir: f.dir, logger });
    await write(f.dir, { '0002_runs.sql': M2, '0003_level.sql': M3 });
    await expect(assertSchemaCurrent({ pool: f.pool, dir: f.dir })).rejects.toThrow(
      'MySQL schema is behind: pending 0002_runs, 0003_level; run `npm run migrate`',
    );
  });

  it('reports a failing statement, records nothing for it and releases the lock', async () => {
    await write(f.dir, { '0001_players.sql': M1, '0002_broken.sql': 'CREATE TABLE t_ok (id INT);\nCREATE TABLE t_players (id INT);\n' });
    await expect(migrate({ pool: f.pool, dir: f.dir, logger })).rejects.toThrow(
      /migration 0002_broken failed at statement 2 of 2 \(statements 1–1 already ran.*\): Table 't_players' already exists/,
    );
    expect(await pendingMigrations({ pool: f.pool, dir: f.dir })).toEqual(['0002_broken']);
    expect(await count(f.pool, "SELECT IS_FREE_LOCK('liveops_migrations') AS n")).toBe(1);
  });

  it('rejects misnamed and duplicate migration files', async () => {
    await write(f.dir, { '1_players.sql': M1 });
    await expect(migrate({ pool: f.pool, dir: f.dir, logger })).rejects.toThrow(/1_players.sql is not named NNNN_description.sql/);
    await rm(path.join(f.dir, '1_players.sql'));
    await write(f.dir, { '0001_a.sql': M1, '0001_b.sql': M2 });
    await expect(migrate({ pool: f.pool, dir: f.dir, logger })).rejects.toThrow(/share version 0001/);
  });

  it('applies the real migrations/mysql and leaves a current schema with app_locks', async () => {
    const dir = defaultMigrationsDir();
    expect(dir).toBe(path.resolve(__dirname, '..', '..', 'migrations', 'mysql'));
    const { applied } = await migrate({ pool: f.pool, dir, logger });
    expect(applied[0]).toBe('0001_baseline');
    await assertSchemaCurrent({ pool: f.pool, dir });
    await f.pool.query('INSERT INTO app_locks (name, owner, expires_at) VALUES (?, ?, UTC_TIMESTAMP(3) + INTERVAL 30 SECOND)', ['snapshot', 'worker-1']);
    const [rows] = await f.pool.query<RowDataPacket[]>(
      "SELECT engine, table_collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'app_locks'",
    );
    expect(rows[0]).toMatchObject({ engine: 'InnoDB', table_collation: expect.stringMatching(/^utf8mb4_/) as unknown });
  });
});

describe('splitSqlStatements', () => {
  it('splits at a ; that ends its line and ignores ; inside quotes and comments', () => {
    const sql = [
      '-- header; not a statement',
      "INSERT INTO t VALUES ('a;', \"b;\", `c;`, 'it''s', 'back\\'slash;');",
      '/* block; comment */ UPDATE t SET x = 1; -- trailing comment',
      '# only a comment;',
      'DELETE FROM t',
    ].join('\n');
    expect(splitSqlStatements(sql)).toEqual([
      "-- header; not a statement\nINSERT INTO t VALUES ('a;', \"b;\", `c;`, 'it''s', 'back\\'slash;')",
      '/* block; comment */ UPDATE t SET x = 1',
      '# only a comment;\nDELETE FROM t',
    ]);
  });

  it('drops comment-only chunks but keeps executable comments', () => {
    expect(splitSqlStatements('-- nothing\n/* here */;\n')).toEqual([]);
    expect(splitSqlStatements('/*!40101 SET NAMES utf8mb4 */;\n')).toEqual(['/*!40101 SET NAMES utf8mb4 */']);
  });

  it('refuses two statements on one line and unterminated quotes', () => {
    expect(() => splitSqlStatements('SELECT 1;\nSELECT 2; SELECT 3;\n')).toThrow(/line 2: a ';' must end its line/);
    expect(() => splitSqlStatements("SELECT 'oops;\n")).toThrow(/unterminated ' quote/);
  });
});
