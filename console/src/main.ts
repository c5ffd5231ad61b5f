import './style.css';
import { ApiProblem, createApi } from './api.js';
import { field, h, clear } from './dom.js';
import { fairnessPanel } from './panels/fairness.js';
import { healthPanel } from './panels/health.js';
import { leaderboardsPanel } from './panels/leaderboards.js';
import type { Panel, PanelContext } from './panels/panel.js';
import { playerPanel } from './panels/player.js';
import { expiryOf, save, signOut, storedToken, type Session } from './session.js';

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
let session: Session | undefined;
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
    void signIn(token.value.trim());
  });
  clear(main, form);
  if (message === undefined) notice.hidden = true;
  else notify(message);
  token.focus();
}

/** Asks the server who the token is; a refused token stays on the sign-in page with the reason. */
async function signIn(token: string): Promise<void> {
  const expMs = expiryOf(token);
  if (expMs === undefined || expMs <= Date.now()) {
    signOut();
    renderSignIn(expMs === undefined ? 'That is not a staff token' : 'That token has expired; sign in with a new one');
    return;
  }
  try {
    const me = await fetch('/api/admin/whoami', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const body = (await me.json()) as { by?: string; role?: 'admin' | 'viewer'; title?: string; detail?: string };
    if (!me.ok || body.by === undefined || body.role === undefined) {
      signOut();
      renderSignIn(`${body.title ?? `HTTP ${me.status}`}: ${body.detail ?? 'the token was refused'}`);
      return;
    }
    save(token);
    session = { token, name: body.by, role: body.role, expMs };
    notice.hidden = true;
    route();
  } catch (error: unknown) {
    notify(describe(error));
  }
}

function route(): void {
  if (session === undefined || session.expMs <= Date.now()) {
    const expired = session !== undefined;
    signOut();
    session = undefined;
    renderSignIn(expired ? 'Your token has expired; sign in again' : undefined);
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
// A reload keeps the tab's token: ask the server again who it is.
const kept = storedToken();
if (kept === undefined) renderSignIn();
else void signIn(kept);
