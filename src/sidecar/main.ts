/**
 * `npm run sidecar` (in a pod: `node dist/src/sidecar/main.js`, the `metrics` container of
 * k8s-keda/base/pod-defaults.yaml): the pod's one Prometheus endpoint, merging the metrics every
 * Functions worker process of the pod pushes (see docs/observability.md).
 */
import { createJsonLogger } from '../adapters/logging/json-logger.js';
import { SettingsError } from '../core/config/settings-error.js';
import { createSettingsReader, integer } from '../core/config/settings-reader.js';
import { readSidecarConfig } from './config.js';
import { startSidecar } from './server.js';

async function main(): Promise<void> {
  const config = readSidecarConfig(process.env);
  // The host container gets SHUTDOWN_GRACE_S for its in-flight work; the sidecar waits at most as
  // long for the workers' final pushes (both fit in terminationGracePeriodSeconds).
  const graceS = createSettingsReader(process.env).read('SHUTDOWN_GRACE_S', integer({ min: 1, max: 3600 }), 25);
  const logger = createJsonLogger({ level: config.logLevel, fields: { service: 'liveops', component: 'metrics-sidecar' } });
  const sidecar = await startSidecar({ config, logger });
  logger.info('metrics sidecar started', { metrics: `${sidecar.metricsUrl}/metrics`, push: sidecar.pushUrl, pod: config.pod, staleIntervals: config.staleIntervals });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('metrics sidecar stopping', { signal, graceS });
    sidecar.stop(graceS * 1000).then(
      () => {
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('metrics sidecar stop failed', { err: error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof SettingsError ? `invalid settings:\n${error.message}` : `start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`liveops metrics sidecar: ${message}\n`);
  process.exit(1);
});
