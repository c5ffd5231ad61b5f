import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/adapters/logging/json-logger.js';
import { startWorkerTelemetry } from '../../../src/app/worker-telemetry.js';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { startSidecar } from '../../../src/sidecar/server.js';
import { testApp } from '../../support/app.js';
import { NOW_MS, handlerOf, newEventBody, signedRequest } from '../../support/gateway.js';
import { sampleValue } from './prom-text.js';

describe('startWorkerTelemetry', () => {
  it('does nothing when neither Application Insights nor the sidecar is configured', async () => {
    const { app } = testApp();
    const telemetry = await startWorkerTelemetry({ app, appInsightsConnectionString: undefined, metricsSidecarUrl: undefined });
    await telemetry.stop();
  });

  it('pushes the app registry to the sidecar, which serves it with the pod label, and says goodbye on stop', async () => {
    const sidecar = await startSidecar({ config: { port: 0, push: { host: '127.0.0.1', port: 0, path: '/push' }, staleIntervals: 3, pod: 'gateway-1' }, logger: silentLogger });
    try {
      const { app } = testApp({ now: () => NOW_MS });
      expect((await handlerOf(postEvent, app)(signedRequest({ body: newEventBody() }))).status).toBe(202);
      const telemetry = await startWorkerTelemetry({ app, appInsightsConnectionString: undefined, metricsSidecarUrl: sidecar.pushUrl });
      const deadline = Date.now() + 5_000;
      let text = '';
      while (Date.now() < deadline) {
        text = await (await fetch(`${sidecar.metricsUrl}/metrics`)).text();
        if (text.includes('liveops_http_requests_total')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(sampleValue(text, 'liveops_http_requests_total', { function: 'postEvent', status: '202', service: 'liveops', pod: 'gateway-1' })).toBe(1);
      await telemetry.stop();
      expect(sidecar.table.counts).toEqual({ live: 0, retired: 1 });
    } finally {
      await sidecar.stop(0);
    }
  });
});
