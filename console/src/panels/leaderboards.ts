import { field, h, clear } from '../dom.js';
import type { Panel } from './panel.js';

interface Standing { readonly rank: number; readonly playerId: string; readonly score: number }
interface Boards { readonly season: number; readonly boards: readonly { readonly id: string; readonly windows: readonly string[] }[] }
const REFRESH_MS = 3_000;

interface Award { readonly rank: number; readonly rewardId: string; readonly item: string; readonly qty: number }
interface Closed { readonly period: string; readonly closedAt: string; readonly entries: Standing[]; readonly prizes: { readonly state: 'none' | 'pending' | 'granted'; readonly awards: Award[] } }

function standings(rows: readonly Standing[], options: { readonly highlight?: string; readonly awards?: readonly Award[] } = {}): HTMLTableElement {
  const prizeOf = (rank: number): string => (options.awards ?? []).filter((a) => a.rank === rank).map((a) => `${a.qty} × ${a.item} (${a.rewardId})`).join(', ');
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rank'), h('th', { scope: 'col' }, 'Player'), h('th', { scope: 'col', class: 'num' }, 'Score'), options.awards === undefined ? undefined : h('th', { scope: 'col' }, 'Prize'))),
    h('tbody', {}, ...rows.map((r) => h('tr', { class: r.playerId === options.highlight ? 'me' : undefined }, h('td', {}, r.rank), h('td', {}, r.playerId), h('td', { class: 'num' }, r.score.toLocaleString('en')), options.awards === undefined ? undefined : h('td', {}, prizeOf(r.rank))))),
  );
}

const PRIZE_STATE: Readonly<Record<Closed['prizes']['state'], string>> = { none: 'no prizes', pending: 'prizes owed (the next snapshot retries)', granted: 'prizes granted' };

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
      if (found !== undefined) clear(around, h('p', { class: 'meta' }, `${id}: rank ${found.rank}, score ${found.score.toLocaleString('en')}`), standings(found.neighbors, { highlight: id }));
    };
    const history = async (): Promise<void> => {
      const closed = await ctx.attempt(() => ctx.api.get<Closed>(`${base()}/history?period=${encodeURIComponent(period.value.trim())}&limit=20`));
      if (closed !== undefined) clear(top, h('p', { class: 'meta', id: 'closed-meta' }, `Final standings of ${closed.period}, closed ${closed.closedAt} · ${PRIZE_STATE[closed.prizes.state]}`), standings(closed.entries, { awards: closed.prizes.awards }));
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
