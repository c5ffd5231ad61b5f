import { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlPool } from '../../src/adapters/mysql/mysql-pool.js';
import { createRedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { createTableStorage, isHttpConnectionString } from '../../src/adapters/tables/table-storage.js';
import { type Dependency } from '../../src/core/health/dependency.js';
import { type Azurite, integrationSuite, recordingLogger, startAzurite } from '../support/services.js';

/** Asserts `ping()` rejects, and within `withinMs`. */
async function expectPingRejects(dependency: Dependency, withinMs: number): Promise<void> {
  const started = Date.now();
  await expect(dependency.ping()).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(withinMs);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

integrationSuite('redis connection', ['redis'], (urls) => {
  it('pings a real Redis and closes idempotently', async () => {
    const { client, dependency } = createRedisConnection({ url: urls.redis, logger: recordingLogger().logger });
    expect(dependency).toMatchObject({ name: 'redis', mode: 'real' });
    await dependency.ping();
    await client.set('liveops:test:conn', '1', 'EX', 10);
    expect(await client.get('liveops:test:conn')).toBe('1');
    await dependency.close();
    await dependency.close();
    expect(client.status).toBe('end');
    await expectPingRejects(dependency, 500);
  });

  it('uses the given name for the dependency', async () => {
    const { dependency } = createRedisConnection({ url: urls.redis, logger: recordingLogger().logger, name: 'redis-sub' });
    expect(dependency.name).toBe('redis-sub');
    await dependency.close();
  });
});

describe('redis connection to a closed port', () => {
  it('rejects ping within 3 s, logs each error code once and never the password', async () => {
    const { logger, lines } = recordingLogger();
    const { client, dependency } = createRedisConnection({ url: 'redis://:s3cret-pw@127.0.0.1:1/0', logger });
    await expectPingRejects(dependency, 3_000);
    // A rejected command must not queue while the client keeps reconnecting in the background.
    await expect(client.get('k')).rejects.toThrow();
    await sleep(1_200);
    await expectPingRejects(dependency, 3_000);
    const errors = lines.filter((line) => line.message === 'redis connection error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fields.code).toBe('ECONNREFUSED');
    expect(JSON.stringify(lines)).not.toContain('s3cret-pw');
    await dependency.close();
    await dependency.close();
    // Closed means no more dialling: no reconnect attempt in the next second.
    let attempts = 0;
    client.on('connecting', () => { attempts += 1; });
    client.on('reconnecting', () => { attempts += 1; });
    await sleep(1_000);
    expect(attempts).toBe(0);
  });
});

integrationSuite('mysql pool', ['mysql'], (urls) => {
  it('pings a real server and closes idempotently', async () => {
    const { dependency } = createMysqlPool({ url: urls.mysql, logger: recordingLogger().logger });
    expect(dependency).toMatchObject({ name: 'mysql', mode: 'real' });
    await dependency.ping();
    await dependency.close();
    await dependency.close();
    await expectPingRejects(dependency, 500);
  });

  it('keeps multipleStatements off even when the URL asks for it', async () => {
    const url = `${urls.mysql}${urls.mysql.includes('?') ? '&' : '?'}multipleStatements=true`;
    const { pool, dependency } = createMysqlPool({ url, logger: recordingLogger().logger });
    try {
      await expect(pool.query('SELECT 1; SELECT 2')).rejects.toThrow(/syntax/i);
    } finally {
      await dependency.close();
    }
  });

  it('runs sessions in UTC and returns BIGINT and DATETIME as exact strings', async () => {
    const { pool, dependency } = createMysqlPool({ url: urls.mysql, logger: recordingLogger().logger });
    try {
      const [rows] = await pool.query<RowDataPacket[]>(
        "SELECT @@session.time_zone AS tz, CAST(9007199254740993 AS SIGNED) AS big, CAST('2026-11-25 10:00:00.123' AS DATETIME(3)) AS at",
      );
      expect(rows[0]).toEqual({ tz: '+00:00', big: '9007199254740993', at: '2026-11-25 10:00:00.123' });
    } finally {
      await dependency.close();
    }
  });
});

describe('mysql pool to a closed port', () => {
  it('rejects ping within 3 s and closes idempotently', async () => {
    const { logger, lines } = recordingLogger();
    const { dependency } = createMysqlPool({ url: 'mysql://root:s3cret-pw@127.0.0.1:1/test', logger });
    await expectPingRejects(dependency, 3_000);
    await dependency.close();
    await dependency.close();
    expect(JSON.stringify(lines)).not.toContain('s3cret-pw');
  });

  it('refuses a URL that is not mysql:// without echoing it', () => {
    expect(() => createMysqlPool({ url: 'postgres://u:s3cret-pw@h/db', logger: recordingLogger().logger })).toThrow(
      /^MYSQL_URL must start with mysql:\/\/ \(got postgres:\/\/\)$/,
    );
  });
});

describe('table storage (Azurite)', () => {
  let started: Azurite | undefined;
  const azurite = (): Azurite => {
    if (started === undefined) throw new Error('Azurite did not start (see beforeAll)');
    return started;
  };
  beforeAll(async () => {
    started = await startAzurite();
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('pings, ensures a table twice and round-trips an entity', async () => {
    const tables = createTableStorage({ connectionString: azurite().connectionString }, { logger: recordingLogger().logger });
    expect(tables.dependency).toMatchObject({ name: 'tables', mode: 'real' });
    await tables.dependency.ping();
    await tables.ensureTable('liveopsTest');
    await tables.ensureTable('liveopsTest');
    const client = tables.tableClient('liveopsTest');
    expect(tables.tableClient('liveopsTest')).toBe(client);
    await client.upsertEntity({ partitionKey: 'p1', rowKey: 'r1', reason: 'flood' });
    const entity = await client.getEntity<{ reason: string }>('p1', 'r1');
    expect(entity.reason).toBe('flood');
    await tables.dependency.close();
    await tables.dependency.close();
  });

  it('rejects ping within 3 s when nothing listens', async () => {
    const closed = azurite().connectionString.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1');
    const tables = createTableStorage({ connectionString: closed }, { logger: recordingLogger().logger });
    await expectPingRejects(tables.dependency, 3_000);
  });

  it('allows plain HTTP only for http:// connection strings', () => {
    expect(isHttpConnectionString(azurite().connectionString)).toBe(true);
    expect(isHttpConnectionString('DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k')).toBe(true);
    expect(
      isHttpConnectionString('DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;EndpointSuffix=core.windows.net'),
    ).toBe(false);
    expect(isHttpConnectionString('TableEndpoint=https://a.table.core.windows.net/;SharedAccessSignature=sv=x')).toBe(false);
  });
});
