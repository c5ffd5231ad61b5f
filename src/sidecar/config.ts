import { hostname } from 'node:os';
import type { LogLevel } from '../core/config/types.js';
import { SettingsError } from '../core/config/settings-error.js';
import { createSettingsReader, integer, oneOf, type RawSettings } from '../core/config/settings-reader.js';
import { podLocalHttpUrl } from '../core/config/settings-telemetry.js';

export interface SidecarConfig {
  /** Where Prometheus scrapes `/metrics` (and the kubelet may probe `/healthz`): all interfaces. */
  readonly port: number;
  /** Where workers push: the host, port and path of METRICS_SIDECAR_URL (loopback only). */
  readonly push: { readonly host: string; readonly port: number; readonly path: string };
  readonly staleIntervals: number;
  /** The `pod` label on every series served (POD_NAME, else HOSTNAME, which Kubernetes sets to the pod name). */
  readonly pod: string;
  readonly logLevel: LogLevel;
}

export const DEFAULT_PUSH_URL = 'http://127.0.0.1:9465/push';

/**
 * The sidecar's own settings. It reads the same ConfigMap as the host container but none of the
 * app's secrets, so it must not go through the app's settings module (which would refuse a
 * servicebus deployment without signing keys): only these few names, validated the same way.
 */
export function readSidecarConfig(env: RawSettings): SidecarConfig {
  const reader = createSettingsReader(env);
  const pushUrl = new URL(reader.read('METRICS_SIDECAR_URL', podLocalHttpUrl, DEFAULT_PUSH_URL));
  const config: SidecarConfig = {
    port: reader.read('METRICS_PORT', integer({ min: 1, max: 65_535 }), 9464),
    push: { host: pushUrl.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(pushUrl.port), path: pushUrl.pathname },
    staleIntervals: reader.read('METRICS_STALE_INTERVALS', integer({ min: 2, max: 100 }), 3),
    pod: reader.value('POD_NAME') ?? reader.value('HOSTNAME') ?? hostname(),
    logLevel: reader.read('LOG_LEVEL', oneOf(['debug', 'info', 'warn', 'error']), 'info'),
  };
  if (!reader.failed('METRICS_PORT') && !reader.failed('METRICS_SIDECAR_URL') && config.port === config.push.port) {
    reader.problem('METRICS_PORT', 'must differ from the port of METRICS_SIDECAR_URL (pushes stay on loopback, scrapes do not)');
  }
  if (reader.problems.length > 0) throw new SettingsError(reader.problems);
  return config;
}
