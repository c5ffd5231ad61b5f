import './style.css';
import { ApiProblem, createApi } from './api.js';
import { field, h, clear } from './dom.js';
import { fairnessPanel } from './panels/fairness.js';
import { healthPanel } from './panels/health.js';
import { leaderboardsPanel } from './panels/leaderboards.js';
import type { Panel, PanelContext } from './panels/panel.js';
import { playerPanel } from './panels/player.js';
import { decode, load, save, signOut, type Session } from './session.js';

const PANELS: readonly Panel[] = [leaderboardsPanel, playerPanel, fairnessPanel, healthPanel];

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`console: #${id} missing from index.html`);
  return el;
}

const main = byId('main');
const nav = byId('nav');
const who = byId('who');
const notice = byId('notice');
let session: Session | undefined = load();
let dispose: () => void = () => undefined;

function notify(message: string, kind: 'error' | 'ok' = 'error'): void {
  notice.textContent = message;
  notice.className = `notice ${kind}`;
  notice.hidden = false;
}

/** A problem's title and detail (the server's words), or the error's message. */
function describe(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail === '' ? error.title : `${error.title}: ${error.detail}`;
  return error instanceof Error ? error.message : String(error);
}

const api = createApi({
  session: () => session,
  onUnauthorized: (problem) => {
    signOut();
    session = undefined;
    renderSignIn(describe(problem));
  },
});

const context = (current: Session): PanelContext => ({
  api,
  session: current,
  notify,
  attempt: async (work) => {
    try {
      return await work();
    } catch (error: unknown) {
      // A 401 already sent the user to sign-in; anything else is shown where they are.
      if (!(error instanceof ApiProblem && error.status === 401)) notify(describe(error));
      return undefined;
    }
  },
});

function renderSignIn(message?: string): void {
  dispose();
  dispose = () => undefined;
  clear(nav);
  clear(who);
  const token = h('textarea', { name: 'token', rows: '4', required: true, placeholder: 'eyJ…', 'aria-describedby': 'token-help' });
  const form = h(
    'form',
    { id: 'sign-in', class: 'card' },
    h('h2', {}, 'Sign in'),
    field('Staff token', token),
    h('p', { id: 'token-help', class: 'meta' }, 'From an operator: npm run admin-token -- --name you@studio --role viewer|admin --ttl 8h. It stays in this tab only.'),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const decoded = decode(token.value.trim());
    if (decoded === undefined || decoded.expMs <= Date.now()) {
      notify(decoded === undefined ? 'That is not a staff token' : 'That token has expired; ask for a new one');
      return;
    }
    save(decoded);
    session = decoded;
    notice.hidden = true;
    route();
  });
  clear(main, form);
  if (message === undefined) notice.hidden = true;
  else notify(message);
  token.focus();
}

function route(): void {
  if (session === undefined || session.expMs <= Date.now()) {
    renderSignIn(session === undefined ? undefined : 'Your token has expired; sign in again');
    return;
  }
  const current = session;
  const panel = PANELS.find((p) => `#${p.id}` === location.hash) ?? PANELS[0];
  if (panel === undefined) return;
  clear(nav, ...PANELS.map((p) => h('a', { href: `#${p.id}`, 'aria-current': p === panel ? 'page' : undefined }, p.title)));
  const out = h('button', { type: 'button', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', () => {
    signOut();
    session = undefined;
    renderSignIn('Signed out');
  });
  clear(who, h('span', {}, `${current.name} (${current.role})`), out);
  dispose();
  notice.hidden = true;
  dispose = panel.render(main, context(current));
}

window.addEventListener('hashchange', route);
route();
