import { ApiProblem } from '../api.js';
import { field, h, clear } from '../dom.js';
import type { Panel } from './panel.js';

interface Progress { readonly xp: number; readonly level: number; readonly xpIntoLevel: number; readonly xpForNextLevel: number; readonly bossKills: number }
interface AuditEntry { readonly kind: string; readonly atMs: number; readonly rule?: string; readonly value?: number; readonly statistic?: number; readonly threshold?: number; readonly verdict?: { readonly rule?: string; readonly value?: number; readonly statistic?: number; readonly threshold?: number }; readonly reason?: string; readonly by?: string }
interface Receipt { readonly receiptId: string; readonly rewardId: string; readonly season: number; readonly item: string; readonly qty: number; readonly issuedAt: string; readonly redeemedAt?: string; readonly revokedAt?: string }
interface Record_ { readonly flags: AuditEntry[]; readonly sanctions: AuditEntry[]; readonly blockedUntil?: string; readonly blockReason?: string }

/** A player's progress, fairness flags and sanctions; block and unblock with a reason. */
export const playerPanel: Panel = {
  id: 'player',
  title: 'Player',
  render(root, ctx) {
    const playerId = h('input', { name: 'playerId', placeholder: 'player_42', required: true });
    const out = h('div', { id: 'player-out', 'aria-live': 'polite' });
    const show = async (): Promise<void> => {
      const id = playerId.value.trim();
      if (id === '') return;
      const path = encodeURIComponent(id);
      const progress = await ctx.api.get<Progress>(`/api/players/${path}/progress`).catch((error: unknown) => {
        if (error instanceof ApiProblem && error.status === 404) return undefined;
        throw error;
      });
      const [record, { receipts }] = await Promise.all([
        ctx.api.get<Record_>(`/api/admin/players/${path}/fairness`),
        ctx.api.get<{ receipts: Receipt[] }>(`/api/admin/players/${path}/receipts`),
      ]);
      const entries = [...record.flags, ...record.sanctions].sort((a, b) => b.atMs - a.atMs);
      const seconds = h('input', { name: 'seconds', type: 'number', min: '1', value: '3600' });
      const reason = h('input', { name: 'reason', required: true, placeholder: 'why (audited)' });
      const act = (action: 'block' | 'unblock') => async (): Promise<void> => {
        if (reason.value.trim() === '') { ctx.notify('A reason is required', 'error'); return; }
        const body = action === 'block' ? { seconds: Number(seconds.value), reason: reason.value.trim() } : { reason: reason.value.trim() };
        const done = await ctx.attempt(() => ctx.api.post(`/api/admin/players/${path}/${action}`, body));
        if (done !== undefined) { ctx.notify(`${id} ${action === 'block' ? 'blocked' : 'unblocked'}`, 'ok'); await show(); }
      };
      const blockButton = h('button', { type: 'button', disabled: ctx.session.role !== 'admin' }, 'Block');
      const unblockButton = h('button', { type: 'button', disabled: ctx.session.role !== 'admin' }, 'Unblock');
      blockButton.addEventListener('click', () => { void act('block')(); });
      unblockButton.addEventListener('click', () => { void act('unblock')(); });
      const receiptRows = receipts.map((r) => {
        const revoke = h('button', { type: 'button', disabled: ctx.session.role !== 'admin' || r.revokedAt !== undefined, 'data-receipt': r.receiptId }, r.revokedAt === undefined ? 'Revoke' : 'Revoked');
        revoke.addEventListener('click', () => {
          revoke.disabled = true;
          void ctx.attempt(() => ctx.api.post(`/api/admin/receipts/${encodeURIComponent(r.receiptId)}/revoke`)).then(async (done) => {
            if (done !== undefined) { ctx.notify(`Receipt ${r.receiptId} revoked`, 'ok'); await show(); }
          });
        });
        const state = r.revokedAt !== undefined ? 'revoked' : r.redeemedAt !== undefined ? 'redeemed' : 'issued';
        return h('tr', {}, h('td', {}, r.issuedAt.slice(0, 19)), h('td', {}, r.rewardId), h('td', {}, `${r.qty} × ${r.item}`), h('td', {}, `S${r.season}`), h('td', {}, state), h('td', {}, revoke));
      });
      clear(
        out,
        h('h3', {}, id),
        progress === undefined
          ? h('p', { class: 'meta' }, 'No progress this season.')
          : h(
              'div',
              {},
              h('p', {}, `Level ${progress.level} · ${progress.xp.toLocaleString('en')} XP · ${progress.bossKills} boss kills`),
              // Where on the level curve: XP into this level out of what the next one needs.
              h('label', { class: 'field' }, h('span', {}, `${progress.xpIntoLevel} / ${progress.xpForNextLevel} XP to level ${progress.level + 1}`), h('progress', { max: String(progress.xpForNextLevel), value: String(progress.xpIntoLevel) })),
            ),
        h('p', { id: 'block-state', class: record.blockedUntil === undefined ? 'ok' : 'bad' }, record.blockedUntil === undefined ? 'Not blocked' : `Blocked until ${record.blockedUntil} (${record.blockReason ?? ''})`),
        h('div', { class: 'row' }, field('Seconds', seconds), field('Reason', reason), blockButton, unblockButton),
        h(
          'table',
          { class: 'grid', id: 'audit' },
          h('thead', {}, h('tr', {}, ...['When (UTC)', 'Kind', 'Rule', 'Value', 'Statistic', 'Threshold', 'Reason', 'By'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, ...entries.map((e) => h('tr', {}, h('td', {}, new Date(e.atMs).toISOString().slice(0, 19)), h('td', {}, e.kind), h('td', {}, e.verdict?.rule ?? e.rule ?? ''), h('td', { class: 'num' }, e.verdict?.value ?? e.value ?? ''), h('td', { class: 'num' }, e.verdict?.statistic ?? e.statistic ?? ''), h('td', { class: 'num' }, e.verdict?.threshold ?? e.threshold ?? ''), h('td', {}, e.reason ?? ''), h('td', {}, e.by ?? '')))),
        ),
        h('h4', {}, 'Rewards and receipts'),
        receipts.length === 0
          ? h('p', { class: 'meta' }, 'No receipts.')
          : h('table', { class: 'grid', id: 'receipts' }, h('thead', {}, h('tr', {}, ...['Issued (UTC)', 'Reward', 'Prize', 'Season', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...receiptRows)),
      );
    };
    const form = h('form', { class: 'row', 'aria-label': 'Find a player' }, field('Player', playerId), h('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', (e) => { e.preventDefault(); void ctx.attempt(show); });
    clear(root, h('h2', {}, 'Player'), form, out);
    return () => undefined;
  },
};
