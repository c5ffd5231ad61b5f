import type { Session } from './session.js';

/** An answer that is not 2xx, as the problem document (RFC 9457) says it. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly body: Record<string, unknown>,
  ) {
    super(`${title}: ${detail}`);
    this.name = 'ApiProblem';
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  /** Admin writes: a fresh Idempotency-Key per action, so a double click acts once. */
  post<T>(path: string, body?: unknown): Promise<T>;
}

/**
 * Calls the app on this origin with the staff token. A 401 means the token is gone or expired:
 * `onUnauthorized` sends the user back to sign-in.
 */
export function createApi(options: { readonly session: () => Session | undefined; readonly onUnauthorized: (problem: ApiProblem) => void }): Api {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const session = options.session();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (session !== undefined) headers.authorization = `Bearer ${session.token}`;
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = crypto.randomUUID();
    }
    const response = await fetch(path, { method, headers, ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) });
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
    if (!response.ok) {
      const problem = toProblem(response.status, parsed);
      if (response.status === 401) options.onUnauthorized(problem);
      throw problem;
    }
    return parsed as T;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

function toProblem(status: number, body: unknown): ApiProblem {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const title = typeof record.title === 'string' ? record.title : `HTTP ${status}`;
  // A 503's detail names the dependency that is down (`A dependency (mysql) is unavailable…`).
  const detail = typeof record.detail === 'string' ? record.detail : '';
  return new ApiProblem(status, title, detail, record);
}
