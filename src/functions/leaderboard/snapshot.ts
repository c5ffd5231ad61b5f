import type { InvocationContext, Timer } from '@azure/functions';
import { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { ClientError } from '../../core/errors/errors.js';
import { LeaderboardSnapshot, type SnapshotResult } from '../../core/leaderboard/snapshot.js';
import { adminRoute } from '../admin/admin-route.js';
import type { TimerFunctionDefinition } from '../definition.js';
import { httpFunction, json } from '../http/http-function.js';
import { snapshotMetrics, type SnapshotMetrics } from './metrics.js';

/** How long the admin route waits for a replica's running snapshot before answering 409. */
const ADMIN_WAIT_MS = 10_000;

type Trigger = 'timer' | 'admin';
type RunOutcome = { readonly acquired: true; readonly value: SnapshotResult } | { readonly acquired: false };

/** The snapshot with its metrics, built once per handler. */
function snapshotRunner(app: AppContext): (options: { trigger: Trigger; waitMs: number }) => Promise<RunOutcome> {
  const { store, archive, lock, calendar } = app.leaderboards;
  const { boards, seasonId, topN } = app.settings.leaderboards;
  const snapshot = new LeaderboardSnapshot({
    store,
    archive,
    lock,
    calendar,
    boards,
    seasonId,
    topN,
    prizes: app.settings.leaderboards.prizes,
    // Read at each run, not captured: the AppContext's grants are built lazily.
    grants: () => app.grants,
    logger: app.logger.child({ function: 'snapshot' }),
  });
  const metrics: SnapshotMetrics = snapshotMetrics(app);
  return async ({ trigger, waitMs }) => {
    const nowMs = app.now();
    const done = metrics.start(trigger);
    let outcome: RunOutcome;
    try {
      outcome = await snapshot.run({ nowMs, waitMs });
    } catch (error: unknown) {
      done('failed');
      throw error;
    }
    done(outcome.acquired ? 'ok' : 'busy');
    if (outcome.acquired) {
      metrics.succeededAt(nowMs);
      for (const entry of outcome.value.closedPeriods) metrics.closed(entry.window, 1);
      metrics.prizesGranted(outcome.value.prizes.granted);
    } else {
      // Another replica did the work: learn when it last succeeded, so this worker's age gauge agrees.
      const last = await archive.lastSnapshotAt();
      if (last !== undefined) metrics.succeededAt(last);
    }
    return outcome;
  };
}

/**
 * `SNAPSHOT_CRON` (default every 15 minutes): the snapshot on every replica's timer; the one that
 * gets the lock does the work, the others step aside at once (core/leaderboard/snapshot.ts).
 */
export const leaderboardSnapshotTimer: TimerFunctionDefinition = {
  kind: 'timer',
  // The name k8s-keda/base/snapshot.yaml enables.
  name: 'snapshot',
  options: { schedule: '%SNAPSHOT_CRON%', runOnStartup: false, useMonitor: true },
  handler: (app) => {
    const run = snapshotRunner(app);
    return async (_timer: Timer, context: InvocationContext) => {
      const logger = app.logger.child({ function: 'snapshot', invocationId: context.invocationId });
      const outcome = await run({ trigger: 'timer', waitMs: 0 });
      if (!outcome.acquired) logger.info('another replica is taking the leaderboard snapshot; skipped');
    };
  },
};

const snapshotResponse = z.object({
  snapshots: z.array(z.object({ board: z.string(), window: z.string(), period: z.string(), players: z.int(), written: z.int() })),
  closedPeriods: z.array(z.object({ board: z.string(), window: z.string(), period: z.string(), players: z.int(), archived: z.int() })),
  prizes: z.object({ granted: z.int(), pending: z.int() }),
});

/** `POST /api/admin/leaderboards/snapshot`: the snapshot now → `{snapshots, closedPeriods, prizes}`. */
export const adminLeaderboardSnapshot = httpFunction({
  name: 'adminLeaderboardSnapshot',
  route: 'admin/leaderboards/snapshot',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Take the leaderboard snapshot now: current standings, closed periods, prizes',
    tags: ['admin', 'leaderboards'],
    auth: 'admin',
    responses: {
      200: { description: '`{snapshots, closedPeriods, prizes:{granted, pending}}`', schema: () => snapshotResponse },
      401: { description: 'Signature missing or invalid' },
      403: { description: 'The key is not in ADMIN_KEY_IDS' },
      409: { description: 'A snapshot is running on another replica for longer than 10 s (Retry-After)' },
      503: { description: 'Redis or MySQL is down (Retry-After)' },
    },
  },
  build: (app) => {
    const run = snapshotRunner(app);
    return adminRoute({
      handle: async ({ logger, by }) => {
        const outcome = await run({ trigger: 'admin', waitMs: ADMIN_WAIT_MS });
        if (!outcome.acquired) {
          throw new ClientError({ type: 'snapshot-in-progress', title: 'Conflict', status: 409, detail: 'A leaderboard snapshot is running on another replica; retry shortly', headers: { 'Retry-After': '5' } });
        }
        logger.info('leaderboard snapshot taken on request', { by, closedPeriods: outcome.value.closedPeriods.length });
        return json(200, outcome.value);
      },
    })(app);
  },
});

export const leaderboardSnapshotFunctions = [leaderboardSnapshotTimer, adminLeaderboardSnapshot] as const;
