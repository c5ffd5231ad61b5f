import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/core/ingestion/signing.js';
import { DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { functions } from '../../../src/functions/catalog.js';
import { leaderboardFunctions } from '../../../src/functions/leaderboard/functions.js';
import { startEmbeddedHost } from '../../../src/local/embedded-host.js';
import { leaderboardApp, verified } from '../../support/leaderboard.js';

describe('leaderboards on the embedded host', () => {
  it('take verified events from the memory bus and serve them over HTTP, timers on, the snapshot timer among them', async () => {
    const app = leaderboardApp({ now: () => Date.now() });
    // As the catalogue lists them: next to the other functions (once each), timers on.
    const definitions = [...functions, ...leaderboardFunctions.filter((f) => !functions.some((c) => c.name === f.name))];
    // On SNAPSHOT_CRON; the embedded timer runner's resolution of it is tested with the runner.
    expect(definitions.flatMap((d) => (d.kind === 'timer' ? [[d.name, d.options.schedule]] : []))).toContainEqual(['snapshot', '%SNAPSHOT_CRON%']);
    const host = await startEmbeddedHost({ app, definitions, port: 0, host: '127.0.0.1' });
    try {
      await app.bus.send('liveops-verified', [verified({ playerId: 'ann', value: 40, ts: Date.now() }), verified({ playerId: 'bob', value: 60, ts: Date.now() })]);
      const url = (path: string): string => `${host.url}/api${path}`;
      let top: { total?: number; entries?: unknown[] } = {};
      for (let i = 0; i < 50 && top.total !== 2; i += 1) {
        top = (await (await fetch(url('/leaderboards/points/daily?limit=1'))).json()) as typeof top;
        if (top.total !== 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(top).toMatchObject({ board: 'points', window: 'daily', total: 2, entries: [{ rank: 1, playerId: 'bob', score: 60 }] });
      expect(await (await fetch(url('/leaderboards/points/weekly/players/ann?around=1'))).json()).toMatchObject({ rank: 2, score: 40 });
      expect((await fetch(url('/leaderboards/points/monthly'))).status).toBe(400);
      expect(((await (await fetch(url('/leaderboard?window=seasonal'))).json()) as { period: string }).period).toBe('S1');
      const path = '/api/admin/leaderboards/snapshot';
      // An admin write: its Idempotency-Key is signed as the sixth line (DESIGN §2).
      const idempotencyKey = 'snapshot-1';
      const signature = signRequest({ kid: 'dev', key: Buffer.from(DEVELOPMENT_HMAC_KEY), t: Math.floor(Date.now() / 1000), method: 'POST', path, body: Buffer.from(''), idempotencyKey });
      const snapshot = await fetch(`${host.url}${path}`, { method: 'POST', headers: { 'x-signature': signature, 'idempotency-key': idempotencyKey } });
      expect(snapshot.status).toBe(200);
      expect(((await snapshot.json()) as { snapshots: unknown[] }).snapshots).toHaveLength(12);
    } finally {
      await host.stop(1_000);
    }
  });
});
