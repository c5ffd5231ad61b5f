import { counter, histogram } from '../../adapters/metrics/metrics.js';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import { envelopeSchema, type AcceptedEvent } from '../../core/ingestion/envelope.js';
import { PoisonMessageError } from '../../core/messaging/poison.js';
import { retryTransient } from '../bus/transient-retry.js';
import { SERVICE_BUS_CONNECTION_SETTING, type ServiceBusTopicFunctionDefinition } from '../definition.js';
import { instrumentBusHandler } from '../bus/instrument.js';

/** Below SHUTDOWN_GRACE_S' default (25 s), so a stopping worker is never held longer. */
const TRANSIENT_RETRY_MS = 20_000;

/**
 * Progression: the `progression` subscription of the verified topic (sessions on, batches). One
 * batch is one MySQL transaction deduplicated by the ledger; a MySQL or Redis outage is retried in
 * place before the batch goes back; an invalid envelope is dead-lettered with a reason.
 */
export const progression: ServiceBusTopicFunctionDefinition = {
  kind: 'serviceBusTopic',
  name: 'progression',
  options: {
    connection: SERVICE_BUS_CONNECTION_SETTING,
    topicName: '%BUS_VERIFIED_TOPIC%',
    subscriptionName: '%BUS_SUB_PROGRESSION%',
    isSessionsEnabled: true,
    cardinality: 'many',
  },
  handler: (app) => {
    const { metrics, settings } = app;
    const applied = counter(metrics, { name: 'liveops_progression_events_applied_total', help: 'Events applied to progress (new in the ledger)', labelNames: [] });
    const duplicates = counter(metrics, { name: 'liveops_progression_duplicates_total', help: 'Events skipped because the ledger had them', labelNames: [] });
    const levelUps = counter(metrics, { name: 'liveops_progression_level_ups_total', help: 'Levels gained', labelNames: [] });
    const duration = histogram(metrics, { name: 'liveops_progression_apply_duration_seconds', help: 'Time to apply one batch', labelNames: [] });
    const batchSize = histogram(metrics, { name: 'liveops_progression_batch_size', help: 'Events per applied batch', labelNames: [], buckets: [1, 2, 5, 10, 25, 50, 100, 250] });
    const schema = envelopeSchema({ payloadMax: settings.limits.payloadMax, maxSeason: 1_000_000 });

    return instrumentBusHandler({
      app,
      name: 'progression',
      handle: async ({ batch, logger }) => {
        const events: AcceptedEvent[] = [];
        const poison: { messageId: string; why: string }[] = [];
        for (const message of batch) {
          const parsed = schema.safeParse(message.body);
          if (parsed.success) events.push({ ...parsed.data, season: parsed.data.season ?? settings.leaderboards.seasonId });
          else poison.push({ messageId: message.messageId, why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(', ') });
        }
        const stop = duration.startTimer();
        try {
          const outcome = await retryTransient({ operation: () => app.progression.apply(events), logger, maxWaitMs: TRANSIENT_RETRY_MS });
          applied.inc(outcome.applied);
          duplicates.inc(outcome.duplicates);
          levelUps.inc(outcome.levelUps);
          batchSize.observe(events.length);
          logger.debug('batch applied', { ...outcome });
        } catch (error: unknown) {
          if (error instanceof DependencyUnavailableError) logger.error('dependency still unavailable; the batch goes back to the queue', { dependency: error.dependency });
          throw error;
        } finally {
          stop();
        }
        if (poison.length > 0) {
          throw new PoisonMessageError({ messageIds: poison.map((p) => p.messageId), reason: 'InvalidEnvelope', description: poison.map((p) => `${p.messageId}: ${p.why}`).join('; ').slice(0, 1000), othersHandled: true });
        }
      },
    });
  },
};
