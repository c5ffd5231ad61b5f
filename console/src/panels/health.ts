import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiProblem } from '../api.js';
import { h, clear } from '../dom.js';
import { parseMetrics, quantileBy, sumBy, type Sample } from '../metrics.js';
import type { Panel } from './panel.js';

const SAMPLE_MS = 2_000;
const POINTS = 90;
const VERDICTS = ['pass', 'flag', 'drop'] as const;

interface DeadLetter { readonly entity: string; readonly messageId: string; readonly reason: string }

/** A rolling chart of per-second rates; `push` takes one value per series. */
function rateChart(box: HTMLElement, labels: readonly string[], colours: readonly string[], width: number): { push(atS: number, values: readonly number[]): void; destroy(): void } {
  const data: number[][] = [[], ...labels.map(() => [])];
  const plot = new uPlot({ width, height: 200, series: [{}, ...labels.map((label, i) => ({ label, stroke: colours[i] ?? '#111827' }))], axes: [{}, { label: 'per second', size: 60 }] }, data as uPlot.AlignedData, box);
  return {
    push(atS, values) {
      data[0]?.push(atS);
      values.forEach((v, i) => data[i + 1]?.push(v));
      for (const series of data) if (series.length > POINTS) series.shift();
      plot.setData(data as uPlot.AlignedData);
    },
    destroy: () => { plot.destroy(); },
  };
}

/**
 * Readiness per dependency; events, verdicts and flags as rates; p95 latency per function; the
 * dead letters with replay. Sampled from the app's own `/metrics` (the embedded host serves it
 * on this origin; under the Functions host the sidecar does, so those parts stay empty there).
 */
export const healthPanel: Panel = {
  id: 'health',
  title: 'Health',
  render(root, ctx) {
    const width = Math.min(900, root.clientWidth || 900);
    const ready = h('div', { id: 'readiness' });
    const eventsBox = h('div', { class: 'chart' });
    const verdictsBox = h('div', { class: 'chart' });
    const flags = h('div', { id: 'flags' });
    const latency = h('div', { id: 'latency' });
    const dead = h('div', { id: 'dead-letters' });
    const events = rateChart(eventsBox, ['accepted', 'rejected'], ['#2563eb', '#dc2626'], width);
    const verdicts = rateChart(verdictsBox, VERDICTS, ['#16a34a', '#d97706', '#dc2626'], width);
    let last: { atS: number; samples: Sample[] } | undefined;

    const readiness = async (): Promise<void> => {
      // A 503 carries the same body: it names what is down.
      const body = (await (await fetch('/api/readyz')).json()) as { status: string; dependencies: Record<string, { status: string; latencyMs?: number }> };
      clear(
        ready,
        h('p', { class: body.status === 'ready' ? 'ok' : 'bad' }, body.status === 'ready' ? 'Ready' : 'Not ready'),
        h('ul', { class: 'deps' }, ...Object.entries(body.dependencies).map(([name, dep]) => h('li', { class: dep.status === 'up' ? 'ok' : 'bad' }, `${name}: ${dep.status}${dep.latencyMs === undefined ? '' : ` (${dep.latencyMs} ms)`}`))),
      );
    };
    const sample = async (): Promise<void> => {
      const response = await fetch('/metrics');
      if (!response.ok) return;
      const samples = parseMetrics(await response.text());
      const atS = Date.now() / 1000;
      const total = (name: string): number => [...sumBy(samples, name, '').values()].reduce((a, b) => a + b, 0);
      if (last !== undefined) {
        const before = last.samples;
        const dt = atS - last.atS;
        const rate = (name: string, label?: string, value?: string): number => {
          const now = label === undefined ? total(name) : (sumBy(samples, name, label).get(value ?? '') ?? 0);
          const was = label === undefined ? [...sumBy(before, name, '').values()].reduce((a, b) => a + b, 0) : (sumBy(before, name, label).get(value ?? '') ?? 0);
          return Math.max(0, (now - was) / dt);
        };
        events.push(atS, [rate('liveops_events_accepted_total'), rate('liveops_events_rejected_total')]);
        verdicts.push(atS, VERDICTS.map((v) => rate('liveops_fairness_verdicts_total', 'verdict', v)));
        const p95 = quantileBy({ before, after: samples, name: 'liveops_http_request_duration_seconds', label: 'function', q: 0.95 });
        clear(latency, p95.size === 0 ? h('p', { class: 'meta' }, 'No requests in the last interval.') : h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Function'), h('th', { scope: 'col', class: 'num' }, 'p95 (≤ ms)'))), h('tbody', {}, ...[...p95].map(([fn, s]) => h('tr', {}, h('td', {}, fn), h('td', { class: 'num' }, Number.isFinite(s) ? Math.round(s * 1000) : '> max'))))));
      }
      const byRule = sumBy(samples, 'liveops_anomaly_flags_total', 'rule');
      clear(flags, byRule.size === 0 ? h('p', { class: 'meta' }, 'No flags since start.') : h('ul', { class: 'deps' }, ...[...byRule].map(([rule, n]) => h('li', {}, `${rule}: ${n}`))));
      last = { atS, samples };
    };
    const deadLetters = async (): Promise<void> => {
      const listed = await ctx.api.get<{ deadLetters: DeadLetter[] }>('/api/admin/dead-letters').catch((error: unknown) => {
        // Served by the embedded host only; elsewhere `npm run dlq` is the tool.
        if (error instanceof ApiProblem && error.status === 404) return undefined;
        throw error;
      });
      if (listed === undefined) { clear(dead, h('p', { class: 'meta' }, 'Dead letters: use npm run dlq on this host.')); return; }
      const byEntity = new Map<string, DeadLetter[]>();
      for (const d of listed.deadLetters) byEntity.set(d.entity, [...(byEntity.get(d.entity) ?? []), d]);
      if (byEntity.size === 0) { clear(dead, h('p', { class: 'meta' }, 'No dead letters.')); return; }
      clear(dead, h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...['Entity', 'Count', 'Reasons', ''].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...[...byEntity].map(([entity, items]) => {
        const replay = h('button', { type: 'button', disabled: ctx.session.role !== 'admin' }, 'Replay');
        replay.addEventListener('click', () => {
          replay.disabled = true;
          void ctx.attempt(() => ctx.api.post<{ replayed: unknown[]; skipped: unknown[] }>('/api/admin/dead-letters/replay', { entity })).then(async (report) => {
            if (report !== undefined) ctx.notify(`${entity}: ${report.replayed.length} replayed, ${report.skipped.length} skipped (inside the duplicate window)`, 'ok');
            await deadLetters();
          });
        });
        return h('tr', {}, h('td', {}, entity), h('td', { class: 'num' }, items.length), h('td', {}, [...new Set(items.map((i) => i.reason))].join(', ')), h('td', {}, replay));
      }))));
    };
    const tick = (): void => { void ctx.attempt(readiness); void ctx.attempt(sample); };
    clear(root, h('h2', {}, 'Health'), ready, h('h3', {}, 'Gateway events'), eventsBox, h('h3', {}, 'Fairness verdicts'), verdictsBox, h('h3', {}, 'Flags by rule (since start)'), flags, h('h3', {}, 'p95 latency per function'), latency, h('h3', {}, 'Dead letters'), dead);
    tick();
    void ctx.attempt(deadLetters);
    const timer = setInterval(tick, SAMPLE_MS);
    return () => { clearInterval(timer); events.destroy(); verdicts.destroy(); };
  },
};
