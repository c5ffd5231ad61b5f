import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionsCore, installFunctionsCore } from './functions-core.js';
import { WorkerHost } from './worker-host.js';

const core = new FunctionsCore();
const host = new WorkerHost(core);
let uninstall: (() => void) | undefined;

beforeAll(async () => {
  uninstall = installFunctionsCore(core);
  // The package `main`, loaded the way the worker loads it.
  await import('../../src/functions/index.js');
  await host.start();
});

afterAll(async () => {
  await host.stop();
  uninstall?.();
});

describe('what src/functions/index.ts registers with the worker', () => {
  it('registers every catalogue function', async () => {
    const { functions } = await import('../../src/functions/catalog.js');
    expect([...core.functions.keys()].sort()).toEqual(functions.map((f) => f.name).sort());
  });

  it('gives the bus consumers session-enabled batch triggers on the setting-named entities', () => {
    expect(host.trigger('fairness').binding).toMatchObject({
      type: 'serviceBusTrigger',
      direction: 'in',
      connection: 'SERVICEBUS_CONNECTION',
      queueName: '%BUS_INGRESS_QUEUE%',
      isSessionsEnabled: true,
      cardinality: 'many',
    });
    for (const [name, subscription] of [['progression', '%BUS_SUB_PROGRESSION%'], ['leaderboard', '%BUS_SUB_LEADERBOARD%']] as const) {
      expect(host.trigger(name).binding).toMatchObject({
        type: 'serviceBusTrigger',
        connection: 'SERVICEBUS_CONNECTION',
        topicName: '%BUS_VERIFIED_TOPIC%',
        subscriptionName: subscription,
        isSessionsEnabled: true,
        cardinality: 'many',
      });
    }
    // No dataType: the host hands UTF-8 bodies over as strings, which the library JSON-parses.
    for (const name of ['fairness', 'progression', 'leaderboard']) expect(host.trigger(name).binding.dataType).toBeUndefined();
  });

  it('gives each timer its cron setting and every HTTP function an anonymous trigger and an http output', () => {
    const timers = [...core.functions.values()].filter((f) => Object.values(f.metadata.bindings).some((b) => b.type === 'timerTrigger'));
    expect(timers.map((t) => t.metadata.name).sort()).toEqual(['ledgerPrune', 'snapshot']);
    expect(host.trigger('snapshot').binding).toMatchObject({ type: 'timerTrigger', schedule: '%SNAPSHOT_CRON%' });
    expect(host.trigger('ledgerPrune').binding).toMatchObject({ type: 'timerTrigger', schedule: '%LEDGER_PRUNE_CRON%' });
    const http = [...core.functions.values()].filter((f) => Object.values(f.metadata.bindings).some((b) => b.type === 'httpTrigger'));
    expect(http.length).toBeGreaterThan(5);
    for (const f of http) {
      const bindings = Object.values(f.metadata.bindings);
      expect(bindings.find((b) => b.type === 'httpTrigger')).toMatchObject({ authLevel: 'anonymous', direction: 'in' });
      expect(bindings.find((b) => b.direction === 'out')).toMatchObject({ type: 'http' });
    }
  });

  it('answers an RPC HTTP invocation through the stream proxy', async () => {
    const response = await host.http('healthz', { method: 'GET', path: '/api/healthz' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
