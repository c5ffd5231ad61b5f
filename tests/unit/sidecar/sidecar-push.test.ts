import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../src/adapters/logging/json-logger.js';
import { metricsPushSchema } from '../../../src/adapters/metrics/push-protocol.js';
import { newWorkerId, startMetricsPush } from '../../../src/adapters/metrics/sidecar-push.js';

function setup(answers: (number | Error)[]): { registry: Registry; bodies: unknown[]; lines: Record<string, unknown>[]; fetch: typeof fetch } {
  const registry = new Registry();
  new Counter({ name: 'liveops_x_total', help: 'x', registers: [registry] }).inc(2);
  const bodies: unknown[] = [];
  const fake: typeof fetch = (_url, init) => {
    if (typeof init?.body !== 'string') throw new Error('expected a JSON string body');
    bodies.push(JSON.parse(init.body));
    const answer = answers.shift() ?? 204;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(new Response(answer === 204 ? null : 'no', { status: answer }));
  };
  const lines: Record<string, unknown>[] = [];
  return { registry, bodies, lines, fetch: fake };
}

const until = async (condition: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('startMetricsPush', () => {
  it('pushes the registry in the protocol the sidecar validates, and a final push on stop', async () => {
    const { registry, bodies, fetch } = setup([]);
    const push = startMetricsPush({ registry, url: 'http://127.0.0.1:9465/push', intervalMs: 100, workerId: 'w-1', logger: createJsonLogger({ level: 'error', write: () => undefined }), fetch });
    await until(() => bodies.length >= 2);
    await push.stop();
    const parsed = bodies.map((b) => metricsPushSchema.parse(b));
    expect(parsed[0]).toMatchObject({ workerId: 'w-1', intervalMs: 100, final: false, metrics: [{ name: 'liveops_x_total', type: 'counter', values: [{ value: 2 }] }] });
    expect(parsed.at(-1)?.final).toBe(true);
    const count = bodies.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(bodies).toHaveLength(count);
  });

  it('logs when pushing starts failing and when it recovers, not on every interval', async () => {
    const { registry, bodies, lines, fetch } = setup([new Error('ECONNREFUSED'), 500, new Error('ECONNREFUSED'), 204]);
    const logger = createJsonLogger({ level: 'info', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const push = startMetricsPush({ registry, url: 'http://127.0.0.1:9465/push', intervalMs: 100, workerId: 'w-2', logger, fetch });
    await until(() => bodies.length >= 5);
    await push.stop();
    expect(lines.map((l) => l.msg)).toEqual(['metrics push to the sidecar failed; retrying every interval', 'metrics push to the sidecar works again']);
  });

  it('refuses an interval the sidecar would refuse', () => {
    const { registry, fetch } = setup([]);
    const logger = createJsonLogger({ level: 'error', write: () => undefined });
    expect(() => startMetricsPush({ registry, url: 'http://127.0.0.1:9465/push', intervalMs: 10, workerId: 'w', logger, fetch })).toThrow(RangeError);
  });

  it('makes a new worker id for every process start', () => {
    expect(newWorkerId()).toMatch(new RegExp(`^${process.pid}-[0-9a-f]{8}$`));
    expect(newWorkerId()).not.toBe(newWorkerId());
  });
});
