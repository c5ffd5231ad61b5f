import { collectedGauge, counter, histogram } from '../../adapters/metrics/metrics.js';
import type { AppContext } from '../../app/app-context.js';
import { FairnessGate } from '../../core/fairness/gate.js';
import { envelopeSchema } from '../../core/ingestion/envelope.js';
import { SERVICE_BUS_CONNECTION_SETTING, type ServiceBusQueueFunctionDefinition } from '../definition.js';
import { retryTransient } from '../bus/transient-retry.js';
import { instrumentBusHandler } from '../bus/instrument.js';

function buildGate(app: AppContext): FairnessGate {
  const { settings, metrics } = app;
  const dropped = counter(metrics, { name: 'liveops_dropped_events_total', help: 'Events dropped by fairness, by reason', labelNames: ['reason'] });
  const flags = counter(metrics, { name: 'liveops_anomaly_flags_total', help: 'Events flagged by fairness, by rule', labelNames: ['rule'] });
  const verdicts = counter(metrics, { name: 'liveops_fairness_verdicts_total', help: 'Fairness verdicts by kind', labelNames: ['verdict'] });
  const sanctions = counter(metrics, { name: 'liveops_sanctions_total', help: 'Blocks imposed by fairness', labelNames: [] });
  const duration = histogram(metrics, { name: 'liveops_fairness_verdict_duration_seconds', help: 'Time from batch start to each verdict', labelNames: [] });
  // Blocks this worker imposed that have not ended yet; summed across workers by the sidecar.
  const activeUntil: number[] = [];
  collectedGauge(metrics, {
    name: 'liveops_active_sanctions',
    help: 'Blocks imposed by this worker that are still active',
    labelNames: [],
    collect: (gauge) => {
      const now = app.now();
      gauge.set(activeUntil.filter((until) => until > now).length);
    },
  });
  return new FairnessGate({
    store: app.fairness.store,
    audit: app.fairness.audit,
    sanctions: app.stores.sanctions,
    publisher: app.bus,
    verifiedTopic: settings.bus.verifiedTopic,
    // No payload bounds beyond the gateway's: a message already passed them; re-checking the shape
    // protects against other producers on the queue.
    schema: envelopeSchema({ payloadMax: settings.limits.payloadMax }),
    params: { ...settings.fairness },
    policy: { ...settings.fairness },
    logger: app.logger.child({ function: 'fairness' }),
    now: app.now,
    observer: {
      verdict: (verdict, seconds) => {
        verdicts.inc({ verdict: verdict.kind });
        duration.observe(seconds);
        if (verdict.kind === 'drop') dropped.inc({ reason: verdict.reason });
        if (verdict.kind === 'flag') flags.inc({ rule: verdict.rule });
      },
      sanction: (untilMs) => {
        sanctions.inc();
        activeUntil.push(untilMs);
        const now = app.now();
        for (let i = activeUntil.length - 1; i >= 0; i -= 1) if ((activeUntil[i] ?? 0) <= now) activeUntil.splice(i, 1);
      },
    },
  });
}

/**
 * Fairness: the ingress queue's consumer (sessions on, so one player's events arrive in order and
 * one batch at a time). A known outage is retried in place for a while (see retryTransient);
 * invalid messages are dead-lettered with a reason; everything else is judged exactly once.
 */
export const fairness: ServiceBusQueueFunctionDefinition = {
  kind: 'serviceBusQueue',
  name: 'fairness',
  options: { connection: SERVICE_BUS_CONNECTION_SETTING, queueName: '%BUS_INGRESS_QUEUE%', isSessionsEnabled: true, cardinality: 'many' },
  handler: (app) => {
    const gate = buildGate(app);
    return instrumentBusHandler({
      app,
      name: 'fairness',
      handle: async ({ batch, logger }) => {
        await retryTransient({ operation: () => gate.process(batch), logger, now: app.now, sleep: app.sleep });
      },
    });
  },
};
