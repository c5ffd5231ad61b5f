import type { Api } from '../api.js';
import type { Session } from '../session.js';

export interface PanelContext {
  readonly api: Api;
  readonly session: Session;
  /** Shows an error (a problem's title and detail) or a success line above the panel. */
  readonly notify: (message: string, kind?: 'error' | 'ok') => void;
  /** Runs `work`, showing any failure; returns its value, or undefined when it failed. */
  readonly attempt: <T>(work: () => Promise<T>) => Promise<T | undefined>;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  /** Renders into `root`; returns what stops its timers when another panel opens. */
  render(root: HTMLElement, ctx: PanelContext): () => void;
}
