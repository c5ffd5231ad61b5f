import { counter, histogram } from '../../adapters/metrics/metrics.js';
import { envelopeSchema } from '../../core/ingestion/envelope.js';
import { invalidEnvelopes, parseMessages } from '../../core/ingestion/parse-messages.js';
import { mergePoison } from '../../core/messaging/poison.js';
import { beyondLedgerError, splitByLedgerReach } from '../../core/progression/ledger-retention.js';
import { retryTransient } from '../bus/transient-retry.js';
import { SERVICE_BUS_CONNECTION_SETTING, type ServiceBusTopicFunctionDefinition } from '../definition.js';
import { instrumentBusHandler } from '../bus/instrument.js';

/**
 * Progression: the `progression` subscription of the verified topic (sessions on, batches). One
 * batch is one MySQL transaction deduplicated by the ledger; a MySQL or Redis outage is retried in
 * place before the batch goes back; an invalid envelope, or an event older than the ledger's
 * retention, is dead-lettered with a reason.
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
    const itemsRefused = counter(metrics, { name: 'liveops_progression_items_refused_total', help: 'Drops not stored: the player-season already holds MAX_ITEM_KINDS other items', labelNames: [] });
    const levelUps = counter(metrics, { name: 'liveops_progression_level_ups_total', help: 'Levels gained', labelNames: [] });
    const duration = histogram(metrics, { name: 'liveops_progression_apply_duration_seconds', help: 'Time to apply one batch', labelNames: [] });
    const batchSize = histogram(metrics, { name: 'liveops_progression_batch_size', help: 'Events per applied batch', labelNames: [], buckets: [1, 2, 5, 10, 25, 50, 100, 250] });
    const schema = envelopeSchema({ payloadMax: settings.limits.payloadMax });

    return instrumentBusHandler({
      app,
      name: 'progression',
      handle: async ({ batch, logger }) => {
        const parsed = parseMessages(batch, { schema, currentSeason: settings.leaderboards.seasonId });
        const retentionDays = settings.progression.ledgerRetentionDays;
        // An event older than the ledger's memory could be applied twice: dead-letter it instead.
        const { events, beyond } = splitByLedgerReach({ events: parsed.events.map((e) => e.event), nowMs: app.now(), retentionDays });
        const stop = duration.startTimer();
        try {
          const outcome = await retryTransient({ operation: () => app.progression.apply(events), logger, now: app.now, sleep: app.sleep });
          applied.inc(outcome.applied);
          duplicates.inc(outcome.duplicates);
          levelUps.inc(outcome.levelUps);
          if (outcome.itemsRefused > 0) {
            itemsRefused.inc(outcome.itemsRefused);
            logger.warn('drops refused: MAX_ITEM_KINDS reached', { itemsRefused: outcome.itemsRefused, maxItemKinds: settings.progression.maxItemKinds });
          }
          batchSize.observe(events.length);
          logger.debug('batch applied', { ...outcome });
        } finally {
          stop();
        }
        if (beyond.length > 0) logger.warn('events older than the ledger retention dead-lettered', { count: beyond.length, retentionDays });
        const poison = mergePoison([invalidEnvelopes(parsed.poison), beyondLedgerError(beyond, retentionDays)]);
        if (poison !== undefined) throw poison;
      },
    });
  },
};
