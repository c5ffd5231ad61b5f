import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../../src/core/config/settings-error.js';
import { createSettingsReader } from '../../../src/core/config/settings-reader.js';
import { readTelemetrySettings } from '../../../src/core/config/settings-telemetry.js';
import { readSidecarConfig } from '../../../src/sidecar/config.js';

describe('metrics sidecar settings', () => {
  it('defaults to /metrics on 9464 and pushes on loopback 9465, labelled with the pod name', () => {
    expect(readSidecarConfig({ HOSTNAME: 'fairness-5c7d-x2v9q' })).toEqual({
      port: 9464,
      push: { host: '127.0.0.1', port: 9465, path: '/push' },
      staleIntervals: 3,
      pod: 'fairness-5c7d-x2v9q',
      logLevel: 'info',
    });
    expect(readSidecarConfig({ POD_NAME: 'from-downward-api', HOSTNAME: 'h' }).pod).toBe('from-downward-api');
  });

  it('listens where METRICS_SIDECAR_URL points, the same setting the workers push to', () => {
    expect(readSidecarConfig({ METRICS_SIDECAR_URL: 'http://[::1]:7000/in' }).push).toEqual({ host: '::1', port: 7000, path: '/in' });
  });

  it('refuses a push URL off the pod, and a scrape port equal to the push port', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        readSidecarConfig(env);
        return [];
      } catch (error: unknown) {
        if (!(error instanceof SettingsError)) throw error;
        return error.problems.map((p) => p.setting);
      }
    };
    expect(problems({ METRICS_SIDECAR_URL: 'http://10.0.0.5:9465/push' })).toEqual(['METRICS_SIDECAR_URL']);
    expect(problems({ METRICS_SIDECAR_URL: 'https://127.0.0.1:9465/push' })).toEqual(['METRICS_SIDECAR_URL']);
    expect(problems({ METRICS_PORT: '9465' })).toEqual(['METRICS_PORT']);
    expect(problems({ METRICS_STALE_INTERVALS: '1' })).toEqual(['METRICS_STALE_INTERVALS']);
  });

  it('reads METRICS_SIDECAR_URL for the workers (unset = no push) and keeps the App Insights secret redacted', () => {
    const reader = createSettingsReader({ METRICS_SIDECAR_URL: 'http://127.0.0.1:9465/push', APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=secret-key' });
    const telemetry = readTelemetrySettings(reader);
    expect(telemetry).toEqual({ metricsSidecarUrl: 'http://127.0.0.1:9465/push', appInsightsConnectionString: 'InstrumentationKey=secret-key' });
    expect(JSON.stringify(telemetry)).not.toContain('secret-key');
    expect(readTelemetrySettings(createSettingsReader({})).metricsSidecarUrl).toBeUndefined();
  });
});
