import { newWorkerId, startMetricsPush, type MetricsPushHandle } from '../adapters/metrics/sidecar-push.js';
import { startAppInsights } from '../adapters/telemetry/app-insights.js';
import type { AppContext } from './app-context.js';

/** Five seconds: fresh enough for a 30 s scrape, and the sidecar retires a worker after three silent intervals. */
export const METRICS_PUSH_INTERVAL_MS = 5_000;

export interface WorkerTelemetry {
  /** The final metrics push, then the Azure Monitor flush; call before closing the AppContext. */
  stop(): Promise<void>;
}

/**
 * Telemetry of one Functions worker process (DESIGN §8): Application Insights when a connection
 * string is set, and the metrics push to the pod's sidecar when METRICS_SIDECAR_URL is set. Both
 * are off by default, so the embedded host and tests start neither.
 */
export async function startWorkerTelemetry(options: {
  readonly app: AppContext;
  readonly appInsightsConnectionString: string | undefined;
  readonly metricsSidecarUrl: string | undefined;
}): Promise<WorkerTelemetry> {
  const { app } = options;
  const logger = app.logger.child({ component: 'telemetry' });
  const appInsights = await startAppInsights({ connectionString: options.appInsightsConnectionString, logger });
  let push: MetricsPushHandle | undefined;
  if (options.metricsSidecarUrl !== undefined) {
    const workerId = newWorkerId();
    push = startMetricsPush({ registry: app.metrics, url: options.metricsSidecarUrl, intervalMs: METRICS_PUSH_INTERVAL_MS, workerId, logger });
    logger.info('metrics: pushing to the pod sidecar', { part: 'metrics', mode: 'real', url: options.metricsSidecarUrl, workerId });
  }
  return {
    stop: async () => {
      await push?.stop();
      await appInsights.stop();
    },
  };
}
