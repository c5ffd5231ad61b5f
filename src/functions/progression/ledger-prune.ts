import type { InvocationContext, Timer } from '@azure/functions';
import { counter } from '../../adapters/metrics/metrics.js';
import type { TimerFunctionDefinition } from '../definition.js';

/**
 * Batches of PRUNE_BATCH_ROWS per run: 200 × 5,000 = 1 million rows, an hour of a 24-million-a-day
 * game on the default hourly schedule. A backlog (a new deployment of an old ledger) is worked
 * off over the next runs instead of in one long burst of deletes.
 */
const MAX_BATCHES_PER_RUN = 200;

/**
 * `LEDGER_PRUNE_CRON` (default hourly at :40): deletes `processed_events` rows older than
 * LEDGER_RETENTION_DAYS (issue #19 item 6). Safe on several replicas at once (each DELETE takes
 * the oldest rows that are left) and safe to skip: the ledger only grows meanwhile.
 */
export const ledgerPruneTimer: TimerFunctionDefinition = {
  kind: 'timer',
  // The name k8s-keda/base/snapshot.yaml enables, next to the snapshot timer.
  name: 'ledgerPrune',
  options: { schedule: '%LEDGER_PRUNE_CRON%', runOnStartup: false, useMonitor: true },
  handler: (app) => {
    const pruned = counter(app.metrics, { name: 'liveops_progression_ledger_pruned_total', help: 'Processed-event ledger rows deleted past LEDGER_RETENTION_DAYS', labelNames: [] });
    return async (_timer: Timer, context: InvocationContext) => {
      const logger = app.logger.child({ function: 'ledgerPrune', invocationId: context.invocationId });
      const report = await app.progression.pruneLedger({ maxBatches: MAX_BATCHES_PER_RUN });
      pruned.inc(report.deleted);
      const fields = { deleted: report.deleted, cutoff: new Date(report.cutoffMs).toISOString(), retentionDays: app.settings.progression.ledgerRetentionDays };
      if (report.complete) logger.info('ledger pruned', fields);
      else logger.warn('ledger prune stopped at its batch budget; the next run continues', fields);
    };
  },
};
