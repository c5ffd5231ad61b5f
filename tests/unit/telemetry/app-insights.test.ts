import { afterEach, describe, expect, it } from 'vitest';
import { createJsonLogger, silentLogger } from '../../../src/adapters/logging/json-logger.js';
import { startAppInsights, type AppInsightsModule } from '../../../src/adapters/telemetry/app-insights.js';

/** A stand-in for the applicationinsights module that records what it was asked. */
function fakeModule(): { module: AppInsightsModule; calls: string[]; options: unknown[] } {
  const calls: string[] = [];
  const options: unknown[] = [];
  return {
    calls,
    options,
    module: {
      useAzureMonitor: (o) => {
        calls.push('use');
        options.push(o);
      },
      shutdownAzureMonitor: () => {
        calls.push('shutdown');
        return Promise.resolve();
      },
    },
  };
}

const serviceName = process.env.OTEL_SERVICE_NAME;
afterEach(() => {
  // startAppInsights names the service through the environment when it is unset.
  if (serviceName === undefined) delete process.env.OTEL_SERVICE_NAME;
  else process.env.OTEL_SERVICE_NAME = serviceName;
});

describe('startAppInsights', () => {
  it('loads nothing and does nothing when no connection string is set', async () => {
    let loaded = false;
    const handle = await startAppInsights({ connectionString: undefined, logger: silentLogger, load: () => { loaded = true; return Promise.resolve(fakeModule().module); } });
    expect(handle.enabled).toBe(false);
    expect(loaded).toBe(false);
    await handle.stop();
  });

  it('starts Azure Monitor with the connection string and shuts it down on stop', async () => {
    const fake = fakeModule();
    const lines: string[] = [];
    const connectionString = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/';
    const handle = await startAppInsights({ connectionString, logger: createJsonLogger({ level: 'info', write: (l) => lines.push(l) }), load: () => Promise.resolve(fake.module) });
    expect(handle.enabled).toBe(true);
    expect(fake.options[0]).toMatchObject({ azureMonitorExporterOptions: { connectionString }, enableLiveMetrics: false });
    await handle.stop();
    expect(fake.calls).toEqual(['use', 'shutdown']);
    expect(lines.join('')).toContain('application insights: enabled');
  });

  it('loads the real package on this Node version and shuts it down without reaching Azure', async () => {
    // The ingestion endpoint is a closed loopback port: nothing leaves the machine.
    const handle = await startAppInsights({
      connectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/',
      logger: silentLogger,
    });
    expect(handle.enabled).toBe(true);
    await handle.stop();
  });
});
