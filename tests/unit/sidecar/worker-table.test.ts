import { AggregatorRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MetricSnapshot } from '../../../src/adapters/metrics/push-protocol.js';
import { WorkerTable } from '../../../src/sidecar/worker-table.js';
import { sampleValue } from './prom-text.js';

function snapshot(accepted: number, sanctions: number): MetricSnapshot[] {
  return [
    { name: 'liveops_events_accepted_total', help: 'h', type: 'counter', aggregator: 'sum', values: [{ value: accepted, labels: { type: 'boss_kill' } }] },
    { name: 'liveops_active_sanctions', help: 'h', type: 'gauge', aggregator: 'sum', values: [{ value: sanctions, labels: {} }] },
  ];
}

function table(clock: { now: number }): WorkerTable {
  return new WorkerTable({ staleIntervals: 3, keepRetiredMs: 60_000, now: () => clock.now });
}

async function render(t: WorkerTable): Promise<string> {
  await t.sweep();
  return AggregatorRegistry.aggregate(t.snapshots()).metrics();
}

describe('WorkerTable', () => {
  it('retires a worker silent for more than three of its intervals, keeping only its counters', async () => {
    const clock = { now: 0 };
    const t = table(clock);
    t.accept({ workerId: 'a', intervalMs: 1000, final: false, metrics: snapshot(5, 1) });
    t.accept({ workerId: 'b', intervalMs: 1000, final: false, metrics: snapshot(2, 1) });
    clock.now = 3_000;
    t.accept({ workerId: 'b', intervalMs: 1000, final: false, metrics: snapshot(3, 1) });
    expect(await t.sweep()).toBe(0);
    clock.now = 3_001;
    expect(await t.sweep()).toBe(1);
    expect(t.counts).toEqual({ live: 1, retired: 1 });
    const text = await render(t);
    expect(sampleValue(text, 'liveops_events_accepted_total', {})).toBe(8);
    expect(sampleValue(text, 'liveops_active_sanctions', {})).toBe(1);
  });

  it('takes back a retired worker that pushes again without counting it twice', async () => {
    const clock = { now: 0 };
    const t = table(clock);
    t.accept({ workerId: 'a', intervalMs: 1000, final: false, metrics: snapshot(5, 1) });
    clock.now = 10_000;
    await t.sweep();
    t.accept({ workerId: 'a', intervalMs: 1000, final: false, metrics: snapshot(6, 1) });
    expect(t.counts).toEqual({ live: 1, retired: 0 });
    expect(sampleValue(await render(t), 'liveops_events_accepted_total', {})).toBe(6);
  });

  it('retires a worker at once on its final push, and folds old retirees into one baseline', async () => {
    const clock = { now: 0 };
    const t = table(clock);
    t.accept({ workerId: 'a', intervalMs: 1000, final: true, metrics: snapshot(5, 1) });
    t.accept({ workerId: 'b', intervalMs: 1000, final: true, metrics: snapshot(4, 1) });
    expect(t.counts).toEqual({ live: 0, retired: 2 });
    clock.now = 60_001;
    t.accept({ workerId: 'c', intervalMs: 1000, final: false, metrics: snapshot(1, 1) });
    await t.sweep();
    expect(t.counts).toEqual({ live: 1, retired: 0 });
    const text = await render(t);
    expect(sampleValue(text, 'liveops_events_accepted_total', {})).toBe(10);
    expect(sampleValue(text, 'liveops_active_sanctions', {})).toBe(1);
  });
});
