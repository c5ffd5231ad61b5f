import { field, h, clear } from '../dom.js';
import type { Panel } from './panel.js';

interface Standing { readonly rank: number; readonly playerId: string; readonly score: number }
interface Boards { readonly season: number; readonly boards: readonly { readonly id: string; readonly windows: readonly string[] }[] }
const REFRESH_MS = 3_000;

function standings(rows: readonly Standing[], highlight?: string): HTMLTableElement {
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rank'), h('th', { scope: 'col' }, 'Player'), h('th', { scope: 'col', class: 'num' }, 'Score'))),
    h('tbody', {}, ...rows.map((r) => h('tr', { class: r.playerId === highlight ? 'me' : undefined }, h('td', {}, r.rank), h('td', {}, r.playerId), h('td', { class: 'num' }, r.score.toLocaleString('en')))))
  );
}

/** Board, window and period pickers; the live top 20; a player's rank with neighbours; a closed period. */
export const leaderboardsPanel: Panel = {
  id: 'leaderboards',
  title: 'Leaderboards',
  render(root, ctx) {
    const board = h('select', { name: 'board' });
    const window = h('select', { name: 'window' });
    const period = h('input', { name: 'period', value: 'current', size: '10' });
    const top = h('div', { id: 'top', 'aria-live': 'polite' });
    const playerInput = h('input', { name: 'player', placeholder: 'player_42' });
    const around = h('div', { id: 'around' });
    let boards: Boards['boards'] = [];
    const base = (): string => `/api/leaderboards/${encodeURIComponent(board.value)}/${encodeURIComponent(window.value)}`;
    const query = (): string => `period=${encodeURIComponent(period.value.trim() === '' ? 'current' : period.value.trim())}`;
    const fillWindows = (): void => {
      const windows = boards.find((b) => b.id === board.value)?.windows ?? [];
      clear(window, ...windows.map((w) => h('option', { value: w }, w)));
    };
    const refresh = async (): Promise<void> => {
      if (board.value === '') return;
      const page = await ctx.attempt(() => ctx.api.get<{ period: string; total: number; entries: Standing[] }>(`${base()}?${query()}&limit=20`));
      if (page === undefined) return;
      clear(top, h('p', { class: 'meta' }, `${page.period} · ${page.total} players · refreshed ${new Date().toLocaleTimeString('en-GB')}`), standings(page.entries));
    };
    const find = async (): Promise<void> => {
      const id = playerInput.value.trim();
      if (id === '') return;
      const found = await ctx.attempt(() => ctx.api.get<{ rank: number; score: number; neighbors: Standing[] }>(`${base()}/players/${encodeURIComponent(id)}?${query()}&around=2`));
      if (found !== undefined) clear(around, h('p', { class: 'meta' }, `${id}: rank ${found.rank}, score ${found.score.toLocaleString('en')}`), standings(found.neighbors, id));
    };
    const history = async (): Promise<void> => {
      const closed = await ctx.attempt(() => ctx.api.get<{ period: string; closedAt: string; entries: Standing[] }>(`${base()}/history?period=${encodeURIComponent(period.value.trim())}&limit=20`));
      if (closed !== undefined) clear(top, h('p', { class: 'meta' }, `Final standings of ${closed.period}, closed ${closed.closedAt}`), standings(closed.entries));
    };
    board.addEventListener('change', () => { fillWindows(); void refresh(); });
    window.addEventListener('change', () => { void refresh(); });
    period.addEventListener('change', () => { void refresh(); });
    const findForm = h('form', { class: 'row', 'aria-label': 'Find a player' }, field('Player', playerInput), h('button', { type: 'submit' }, 'Find rank'));
    findForm.addEventListener('submit', (e) => { e.preventDefault(); void find(); });
    const historyButton = h('button', { type: 'button' }, 'Closed period standings');
    historyButton.addEventListener('click', () => { void history(); });
    clear(root, h('h2', {}, 'Leaderboards'), h('div', { class: 'row' }, field('Board', board), field('Window', window), field('Period', period), historyButton), top, findForm, around);
    void ctx.attempt(() => ctx.api.get<Boards>('/api/leaderboards')).then((list) => {
      boards = list?.boards ?? [];
      clear(board, ...boards.map((b) => h('option', { value: b.id }, b.id)));
      fillWindows();
      return refresh();
    });
    const timer = setInterval(() => { if (period.value === 'current') void refresh(); }, REFRESH_MS);
    return () => { clearInterval(timer); };
  },
};
