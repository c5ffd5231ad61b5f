import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate } from '../../src/adapters/mysql/migrations.js';
import { createMysqlPool } from '../../src/adapters/mysql/mysql-pool.js';
import type { AppContext } from '../../src/app/app-context.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import type { AcceptedEvent } from '../../src/core/ingestion/envelope.js';
import { testApp } from '../support/app.js';
import { createTestDatabase, integrationSuite, recordingLogger, type TestDatabase } from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** 2026-11-25T08:00:00Z */
const NOW = Date.UTC(2026, 10, 25, 8);

function xp(playerId: string, deltaXp: number): AcceptedEvent {
  return { eventId: randomUUID(), type: 'progression', playerId, ts: NOW, season: 1, payload: { deltaXp, activity: 'quest' } };
}

integrationSuite('progression on real MariaDB and Redis', ['mysql', 'redis'], (urls) => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  const apps: AppContext[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    const { pool, dependency } = createMysqlPool({ url: db.url, logger: recordingLogger().logger });
    await migrate({ pool, dir: defaultMigrationsDir(), logger: recordingLogger().logger });
    await dependency.close();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 3306) });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await proxy?.close();
    await db?.drop();
  });
  const start = (viaProxy = false): AppContext => {
    if (db === undefined || proxy === undefined) throw new Error('setup failed');
    const url = new URL(db.url);
    if (viaProxy) url.port = String(proxy.port);
    const { app } = testApp({ env: { MYSQL_URL: url.toString(), REDIS_URL: urls.redis } });
    apps.push(app);
    return app;
  };

  it('keeps the cached progress correct across a level-up', async () => {
    const app = start();
    const player = `hero_${randomUUID().slice(0, 8)}`;
    await app.progression.apply([xp(player, 900)]);
    expect(await app.progression.progress({ playerId: player, season: 1 })).toMatchObject({ xp: 900, level: 1 });
    // The read above cached level 1; the next batch must not leave it stale.
    await app.progression.apply([xp(player, 200)]);
    expect(await app.progression.progress({ playerId: player, season: 1 })).toMatchObject({ xp: 1100, level: 2, xpIntoLevel: 100 });
  });

  it('loses and doubles nothing when MySQL drops mid-stream and comes back', async () => {
    const app = start(true);
    const player = `hero_${randomUUID().slice(0, 8)}`;
    const batches = Array.from({ length: 8 }, (_, i) => [xp(player, 10 * (i + 1)), xp(player, 1)]);
    const expected = batches.flat().reduce((sum, e) => sum + (e.type === 'progression' ? e.payload.deltaXp : 0), 0);
    const pending: AcceptedEvent[][] = [];
    for (const [i, batch] of batches.entries()) {
      if (i === 3) await proxy?.cut();
      if (i === 6) await proxy?.restore();
      try {
        await app.progression.apply(batch);
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(DependencyUnavailableError);
        pending.push(batch);
      }
    }
    expect(pending.length).toBeGreaterThan(0);
    // The bus redelivers what failed, and (at-least-once) some of what succeeded as well.
    for (const batch of [...pending, batches[0] ?? [], batches[7] ?? []]) await app.progression.apply(batch);
    expect((await app.progression.progress({ playerId: player, season: 1 }))?.xp).toBe(expected);
  });
});
