import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { field, h, clear } from '../dom.js';
import type { Panel } from './panel.js';

interface Quarantined {
  readonly event: { readonly eventId: string; readonly type: string; readonly playerId: string; readonly ts: number; readonly payload: Record<string, unknown> };
  readonly verdict: { readonly rule?: string; readonly value?: number; readonly statistic?: number; readonly threshold?: number };
  readonly quarantinedAtMs: number;
  readonly released?: unknown;
  readonly kept?: { readonly by: string; readonly reason: string };
}

interface Context { readonly historyKey: string; readonly history: readonly number[]; readonly verdict: Quarantined['verdict'] }

/**
 * The player's recent values of the same kind, oldest first, with the flagged value after them:
 * why the event stood out. (For a cap flag the threshold is a value and is drawn too.)
 */
function whyChart(box: HTMLElement, context: Context): uPlot {
  const n = context.history.length;
  const xs = [...context.history.map((_, i) => i + 1), n + 1];
  const history = [...context.history, null];
  const flagged = [...context.history.map(() => null), context.verdict.value ?? null];
  const cap = context.verdict.rule === 'cap' && context.verdict.threshold !== undefined ? xs.map(() => context.verdict.threshold ?? null) : xs.map(() => null);
  return new uPlot(
    {
      width: Math.min(640, box.clientWidth || 640),
      height: 180,
      scales: { x: { time: false } },
      // Room for six-digit values on the y axis.
      axes: [{}, { size: 70 }],
      series: [{ label: 'event' }, { label: `recent ${context.historyKey}`, stroke: '#2563eb', points: { show: true } }, { label: 'flagged', stroke: '#dc2626', points: { show: true, size: 9 } }, { label: 'cap', stroke: '#9ca3af', dash: [4, 4] }],
    },
    [xs, history, flagged, cap] as uPlot.AlignedData,
    box,
  );
}

const fmt = (n: number | undefined): string => (n === undefined ? '–' : Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(2));

/** The quarantine queue, newest first, filtered by player and rule; release one event. */
export const fairnessPanel: Panel = {
  id: 'fairness',
  title: 'Fairness review',
  render(root, ctx) {
    const player = h('input', { name: 'playerId', placeholder: 'all players' });
    const rule = h('input', { name: 'rule', placeholder: 'any rule' });
    const keepReason = h('input', { name: 'keepReason', placeholder: 'why it stays out (audited)' });
    const list = h('div', { id: 'quarantine', 'aria-live': 'polite' });
    const why = h('div', { id: 'why', class: 'chart' });
    let chart: uPlot | undefined;
    const explain = async (item: Quarantined): Promise<void> => {
      const context = await ctx.attempt(() => ctx.api.get<Context>(`/api/admin/quarantine/${item.event.eventId}/context`));
      if (context === undefined) return;
      chart?.destroy();
      clear(why, h('h3', {}, `Why ${item.event.playerId}'s ${item.event.type} was flagged: ${item.verdict.rule ?? ''} (${context.history.length} recent values)`));
      chart = whyChart(why, context);
    };
    const load = async (): Promise<void> => {
      const id = player.value.trim();
      const page = await ctx.attempt(() => ctx.api.get<{ items: Quarantined[] }>(`/api/admin/quarantine?limit=50${id === '' ? '' : `&playerId=${encodeURIComponent(id)}`}`));
      if (page === undefined) return;
      const wanted = rule.value.trim();
      const items = page.items.filter((i) => wanted === '' || i.verdict.rule === wanted);
      if (items.length === 0) {
        clear(list, h('p', { class: 'meta' }, 'Nothing in quarantine.'));
        return;
      }
      const rows = items.map((item) => {
        const decided = item.released !== undefined || item.kept !== undefined;
        const release = h('button', { type: 'button', disabled: decided || ctx.session.role !== 'admin', 'data-event': item.event.eventId }, item.released !== undefined ? 'Released' : item.kept !== undefined ? 'Kept' : 'Release');
        const keep = h('button', { type: 'button', disabled: decided || ctx.session.role !== 'admin', 'data-keep': item.event.eventId }, 'Keep');
        keep.addEventListener('click', () => {
          const reason = keepReason.value.trim();
          if (reason === '') {
            ctx.notify('Say why it stays out: fill in "Reason to keep" first');
            keepReason.focus();
            return;
          }
          keep.disabled = true;
          void ctx.attempt(() => ctx.api.post(`/api/admin/quarantine/${item.event.eventId}/keep`, { reason })).then((done) => {
            if (done !== undefined) ctx.notify(`Kept ${item.event.eventId} out of the game`, 'ok');
            return load();
          });
        });
        release.addEventListener('click', () => {
          release.disabled = true;
          void ctx.attempt(() => ctx.api.post(`/api/admin/quarantine/${item.event.eventId}/release`)).then((done) => {
            if (done !== undefined) ctx.notify(`Released ${item.event.eventId} to the verified topic`, 'ok');
            return load();
          });
        });
        const whyButton = h('button', { type: 'button', 'data-why': item.event.eventId }, 'Why?');
        whyButton.addEventListener('click', () => { void explain(item); });
        const { verdict, event } = item;
        return h(
          'tr',
          {},
          h('td', {}, new Date(item.quarantinedAtMs).toISOString().replace('T', ' ').slice(0, 19)),
          h('td', {}, event.playerId),
          h('td', {}, event.type),
          h('td', {}, verdict.rule ?? '–'),
          h('td', { class: 'num' }, fmt(verdict.value)),
          h('td', { class: 'num' }, fmt(verdict.statistic)),
          h('td', { class: 'num' }, fmt(verdict.threshold)),
          h('td', {}, whyButton, ' ', release, ' ', keep),
        );
      });
      const head = ['Quarantined (UTC)', 'Player', 'Type', 'Rule', 'Value', 'Statistic', 'Threshold', ''];
      clear(list, h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows)));
    };
    const form = h('form', { class: 'row', 'aria-label': 'Filter the quarantine' }, field('Player', player), field('Rule', rule), h('button', { type: 'submit' }, 'Filter'), field('Reason to keep', keepReason));
    form.addEventListener('submit', (e) => { e.preventDefault(); void load(); });
    clear(root, h('h2', {}, 'Fairness review'), form, list, why);
    void load();
    return () => { chart?.destroy(); };
  },
};
