import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, clear } from '../dom.js';
import type { Panel } from './panel.js';

const SAMPLE_MS = 2_000;
const POINTS = 90;

/** Sum of every sample of `metric` in Prometheus text (all label sets). */
export function sumOf(text: string, metric: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric) || (line[metric.length] !== '{' && line[metric.length] !== ' ')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * Readiness per dependency and the app's own counters as rates, sampled from `/metrics` (the
 * embedded host serves it on this origin; under the Functions host it is the sidecar's, elsewhere).
 */
export const healthPanel: Panel = {
  id: 'health',
  title: 'Health',
  render(root, ctx) {
    const ready = h('div', { id: 'readiness' });
    const chartBox = h('div', { id: 'rates', class: 'chart' });
    const series: [number[], number[], number[]] = [[], [], []];
    let last: { atS: number; accepted: number; rejected: number } | undefined;
    const plot = new uPlot(
      { width: Math.min(900, root.clientWidth || 900), height: 220, series: [{}, { label: 'accepted/s', stroke: '#2563eb' }, { label: 'rejected/s', stroke: '#dc2626' }], axes: [{}, { label: 'events/s' }] },
      series,
      chartBox,
    );
    const readiness = async (): Promise<void> => {
      // 503 carries the same body: show it, it names what is down.
      const response = await fetch('/api/readyz');
      const body = (await response.json()) as { status: string; dependencies: Record<string, { status: string; latencyMs?: number; error?: string }> };
      clear(
        ready,
        h('p', { class: body.status === 'ready' ? 'ok' : 'bad' }, body.status === 'ready' ? 'Ready' : 'Not ready'),
        h('ul', { class: 'deps' }, ...Object.entries(body.dependencies).map(([name, dep]) => h('li', { class: dep.status === 'up' ? 'ok' : 'bad' }, `${name}: ${dep.status}${dep.latencyMs === undefined ? '' : ` (${dep.latencyMs} ms)`}`))),
      );
    };
    const sample = async (): Promise<void> => {
      const response = await fetch('/metrics');
      if (!response.ok) return;
      const text = await response.text();
      const atS = Date.now() / 1000;
      const now = { atS, accepted: sumOf(text, 'liveops_events_accepted_total') ?? 0, rejected: sumOf(text, 'liveops_events_rejected_total') ?? 0 };
      if (last !== undefined) {
        const dt = now.atS - last.atS;
        series[0].push(atS);
        series[1].push((now.accepted - last.accepted) / dt);
        series[2].push((now.rejected - last.rejected) / dt);
        for (const s of series) if (s.length > POINTS) s.shift();
        plot.setData(series);
      }
      last = now;
    };
    const tick = (): void => { void ctx.attempt(readiness); void ctx.attempt(sample); };
    clear(root, h('h2', {}, 'Health'), ready, h('h3', {}, 'Gateway events'), chartBox);
    tick();
    const timer = setInterval(tick, SAMPLE_MS);
    return () => { clearInterval(timer); plot.destroy(); };
  },
};
