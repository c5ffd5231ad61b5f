import { field, h, clear } from '../dom.js';
import type { Panel } from './panel.js';

interface Quarantined {
  readonly event: { readonly eventId: string; readonly type: string; readonly playerId: string; readonly ts: number; readonly payload: Record<string, unknown> };
  readonly verdict: { readonly rule?: string; readonly value?: number; readonly statistic?: number; readonly threshold?: number };
  readonly quarantinedAtMs: number;
  readonly released?: unknown;
}

const fmt = (n: number | undefined): string => (n === undefined ? '–' : Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(2));

/** The quarantine queue, newest first, filtered by player and rule; release one event. */
export const fairnessPanel: Panel = {
  id: 'fairness',
  title: 'Fairness review',
  render(root, ctx) {
    const player = h('input', { name: 'playerId', placeholder: 'all players' });
    const rule = h('input', { name: 'rule', placeholder: 'any rule' });
    const list = h('div', { id: 'quarantine', 'aria-live': 'polite' });
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
        const release = h('button', { type: 'button', disabled: item.released !== undefined || ctx.session.role !== 'admin', 'data-event': item.event.eventId }, item.released === undefined ? 'Release' : 'Released');
        release.addEventListener('click', () => {
          release.disabled = true;
          void ctx.attempt(() => ctx.api.post(`/api/admin/quarantine/${item.event.eventId}/release`)).then((done) => {
            if (done !== undefined) ctx.notify(`Released ${item.event.eventId} to the verified topic`, 'ok');
            return load();
          });
        });
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
          h('td', {}, release),
        );
      });
      const head = ['Quarantined (UTC)', 'Player', 'Type', 'Rule', 'Value', 'Statistic', 'Threshold', ''];
      clear(list, h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows)));
    };
    const form = h('form', { class: 'row', 'aria-label': 'Filter the quarantine' }, field('Player', player), field('Rule', rule), h('button', { type: 'submit' }, 'Filter'));
    form.addEventListener('submit', (e) => { e.preventDefault(); void load(); });
    clear(root, h('h2', {}, 'Fairness review'), form, list);
    void load();
    return () => undefined;
  },
};
