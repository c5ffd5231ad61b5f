import { z } from 'zod';
import { connectionString, type SettingSchema, type SettingsReader } from './settings-reader.js';
import { redactAll, withSecretFields } from './secret-fields.js';

export interface TelemetrySettings {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING (a secret); unset = no Azure Monitor export. */
  readonly appInsightsConnectionString: string | undefined;
  /** METRICS_SIDECAR_URL; unset = this worker pushes no metrics (the embedded host serves /metrics). */
  readonly metricsSidecarUrl: string | undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The metrics sidecar's push URL: plain http to the pod's own loopback interface. Anything else
 * would send the worker's metrics off the pod, which the sidecar design never needs.
 */
export const podLocalHttpUrl: SettingSchema<string> = z.string().refine(
  (text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.port !== '';
  },
  { error: 'must be a pod-local http:// URL with a port, e.g. http://127.0.0.1:9465/push' },
);

const anyConnectionString = connectionString({ rule: 'must be a connection string of Key=value pairs separated by ;' });

/**
 * Telemetry settings (DESIGN §8). Replaces `readTelemetry` of settings-services.ts, adding
 * METRICS_SIDECAR_URL; the Application Insights connection string stays a redacted secret field.
 */
export function readTelemetrySettings(reader: SettingsReader): TelemetrySettings {
  const appInsightsConnectionString = reader.readOptional('APPLICATIONINSIGHTS_CONNECTION_STRING', anyConnectionString);
  const metricsSidecarUrl = reader.readOptional('METRICS_SIDECAR_URL', podLocalHttpUrl);
  return withSecretFields({ appInsightsConnectionString, metricsSidecarUrl }, { appInsightsConnectionString: redactAll });
}
