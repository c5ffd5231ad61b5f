import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/adapters/logging/json-logger.js';
import { defaultMigrationsDir, migrate } from '../src/adapters/mysql/migrations.js';
import { createMysqlPool } from '../src/adapters/mysql/mysql-pool.js';
import { createAppContext } from '../src/app/composition-root.js';
import { parseSettings } from '../src/core/config/settings.js';
import type { AcceptedEvent } from '../src/core/ingestion/envelope.js';
import type { Benchmark, Subject } from './harness.js';
import { percentile } from './http-client.js';

const BATCH = 100;
/** Sessions applied at once, as several sessions run per worker. */
const CONCURRENCY = 8;
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/liveops_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One player's batch: XP events and boss kills, as a session delivers them. */
function batch(): AcceptedEvent[] {
  const playerId = `bench_${randomUUID().slice(0, 12)}`;
  return Array.from({ length: BATCH }, (_, i): AcceptedEvent =>
    i % 2 === 0
      ? { eventId: randomUUID(), type: 'progression', playerId, ts: Date.now(), season: 1, payload: { deltaXp: 10 + i, activity: 'quest' } }
      : { eventId: randomUUID(), type: 'boss_kill', playerId, ts: Date.now(), season: 1, payload: { bossId: 'dragon', tier: 3, points: 500 } },
  );
}

async function ensureDatabase(): Promise<void> {
  const server = new URL(MYSQL_URL);
  const name = server.pathname.slice(1);
  server.pathname = '/';
  const admin = createMysqlPool({ url: server.toString(), logger: silentLogger, connectionLimit: 1 });
  await admin.pool.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.dependency.close();
  const db = createMysqlPool({ url: MYSQL_URL, logger: silentLogger, connectionLimit: 2 });
  await migrate({ pool: db.pool, dir: defaultMigrationsDir(), logger: silentLogger });
  await db.dependency.close();
}

/**
 * Applying batches through Progression (ledger check, ledger insert, folded multi-row upsert, cache
 * invalidation, level-up read-back) against a raw mysql2 transaction doing the same ledger insert
 * and one upsert per batch, on the same database and pool size.
 */
export const progressionBench: Benchmark = {
  name: 'progression',
  description: `batches of ${BATCH} events of one player applied to MariaDB (Redis cache), ${CONCURRENCY} sessions at once`,
  unit: 'event',
  goal: { name: 'Progression.apply keeps half the rate of a raw ledger insert + upsert', minRatio: 0.5 },
  setup: async () => {
    await ensureDatabase();
    const app = createAppContext({ settings: parseSettings({ MYSQL_URL, REDIS_URL }), logger: silentLogger });
    const raw = createMysqlPool({ url: MYSQL_URL, logger: silentLogger });
    const reads: number[] = [];
    const players: string[] = [];
    const candidate: Subject = {
      name: 'Progression.apply (MySQL + Redis)',
      concurrency: CONCURRENCY,
      opsPerRun: BATCH,
      run: async () => {
        const events = batch();
        await app.progression.apply(events);
        const playerId = events[0]?.playerId ?? '';
        if (players.length < 1000) players.push(playerId);
        // One cached read per batch, for the read latency figure.
        const started = performance.now();
        await app.progression.progress({ playerId, season: 1 });
        reads.push(performance.now() - started);
      },
    };
    const baseline: Subject = {
      name: 'raw mysql2: ledger INSERT + one upsert per batch',
      concurrency: CONCURRENCY,
      opsPerRun: BATCH,
      run: async () => {
        const events = batch();
        const conn = await raw.pool.getConnection();
        try {
          await conn.beginTransaction();
          const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
          await conn.query('INSERT INTO processed_events (event_id, player_id, processed_at) VALUES ?', [events.map((e) => [e.eventId, e.playerId, at])]);
          await conn.query('INSERT INTO player_progress (player_id, season, xp, boss_kills, max_boss_tier, updated_at) VALUES (?, 1, 1000, 50, 3, ?) ON DUPLICATE KEY UPDATE xp = xp + VALUES(xp)', [events[0]?.playerId ?? '', at]);
          await conn.commit();
        } finally {
          conn.release();
        }
      },
    };
    return {
      baseline,
      candidate,
      close: async () => {
        process.stderr.write(`  cached progress reads while writing: p50 ${percentile(reads, 50).toFixed(2)} ms, p99 ${percentile(reads, 99).toFixed(2)} ms over ${reads.length}\n`);
        // Reads alone (what a player's client sees between batches): 8 readers, cache warm.
        const quiet: number[] = [];
        await app.progression.progress({ playerId: players[0] ?? '', season: 1 });
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async (_, w) => {
            for (let i = 0; i < 250; i += 1) {
              const started = performance.now();
              await app.progression.progress({ playerId: players[(w * 250 + i) % players.length] ?? '', season: 1 });
              quiet.push(performance.now() - started);
            }
          }),
        );
        process.stderr.write(`  cached progress reads alone: p50 ${percentile(quiet, 50).toFixed(2)} ms, p99 ${percentile(quiet, 99).toFixed(2)} ms over ${quiet.length}\n`);
        await raw.dependency.close();
        await app.close();
      },
    };
  },
};
