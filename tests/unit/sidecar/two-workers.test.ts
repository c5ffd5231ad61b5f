import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/adapters/logging/json-logger.js';
import { startSidecar, type RunningSidecar } from '../../../src/sidecar/server.js';
import { sampleValue } from './prom-text.js';

/**
 * The sidecar as deployed: two real worker processes push their registries over loopback HTTP,
 * and one scrape of the sidecar shows their counters summed, labelled with the pod.
 */
const WORKER = path.join(__dirname, 'fixtures', 'push-worker.ts');
const children: ChildProcess[] = [];
const sidecars: RunningSidecar[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(sidecars.splice(0).map((s) => s.stop(0)));
});

async function worker(url: string, count: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child.stdout, 'data');
  return child;
}

async function scrape(sidecar: RunningSidecar): Promise<string> {
  const res = await fetch(`${sidecar.metricsUrl}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Scrapes until `check` passes (pushes arrive every 200 ms), failing after 10 s. */
async function eventually(sidecar: RunningSidecar, check: (text: string) => void): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await scrape(sidecar);
    try {
      check(text);
      return text;
    } catch (error: unknown) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('metrics sidecar with two worker processes', () => {
  it('serves their counters summed, keeps a stopped or vanished worker\'s counts, drops its gauges', async () => {
    const sidecar = await startSidecar({ config: { port: 0, push: { host: '127.0.0.1', port: 0, path: '/push' }, staleIntervals: 3, pod: 'gateway-7d9f-abcde' }, logger: silentLogger });
    sidecars.push(sidecar);
    const accepted = { type: 'boss_kill', service: 'liveops', pod: 'gateway-7d9f-abcde' };

    const first = await worker(sidecar.pushUrl, 3);
    const second = await worker(sidecar.pushUrl, 4);
    await eventually(sidecar, (text) => {
      expect(sampleValue(text, 'liveops_events_accepted_total', accepted)).toBe(7);
      expect(sampleValue(text, 'liveops_active_sanctions', { pod: 'gateway-7d9f-abcde' })).toBe(2);
      expect(sampleValue(text, 'liveops_sidecar_workers', { state: 'live' })).toBe(2);
    });
    expect(await (await fetch(`${sidecar.metricsUrl}/healthz`)).json()).toEqual({ status: 'ok', workers: { live: 2, retired: 0 } });

    // A graceful stop sends a final push: the counter stays whole, the worker's gauge goes at once.
    first.kill('SIGTERM');
    await once(first, 'exit');
    await eventually(sidecar, (text) => {
      expect(sampleValue(text, 'liveops_events_accepted_total', accepted)).toBe(7);
      expect(sampleValue(text, 'liveops_active_sanctions', {})).toBe(1);
      expect(sampleValue(text, 'liveops_sidecar_workers', { state: 'retired' })).toBe(1);
    });

    // A crash sends nothing: after three silent intervals the worker is retired the same way.
    second.kill('SIGKILL');
    await once(second, 'exit');
    await eventually(sidecar, (text) => {
      expect(sampleValue(text, 'liveops_sidecar_workers', { state: 'live' })).toBe(0);
      expect(sampleValue(text, 'liveops_events_accepted_total', accepted)).toBe(7);
      expect(sampleValue(text, 'liveops_active_sanctions', {})).toBeUndefined();
    });
  });

  it('refuses a malformed push whole and says so', async () => {
    const sidecar = await startSidecar({ config: { port: 0, push: { host: '127.0.0.1', port: 0, path: '/push' }, staleIntervals: 3, pod: 'p' }, logger: silentLogger });
    sidecars.push(sidecar);
    const bad = await fetch(sidecar.pushUrl, { method: 'POST', body: JSON.stringify({ workerId: 'w', intervalMs: 1000, metrics: [{ name: 'bad name', help: '', type: 'counter', values: [] }] }) });
    expect(bad.status).toBe(400);
    expect((await fetch(sidecar.pushUrl.replace('/push', '/other'), { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${sidecar.metricsUrl}/nothing`)).status).toBe(404);
    const text = await scrape(sidecar);
    expect(sampleValue(text, 'liveops_sidecar_pushes_total', { result: 'rejected' })).toBe(1);
  });
});
