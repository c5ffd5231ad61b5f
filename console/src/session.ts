/**
 * The staff token (`npm run admin-token`), kept in session storage only: it dies with the tab,
 * and sign-out removes it. The payload is read for display; the server is what checks it.
 */
const KEY = 'liveops.adminToken';

export interface Session {
  readonly token: string;
  readonly name: string;
  readonly role: 'admin' | 'viewer';
  readonly expMs: number;
}

export function decode(token: string): Session | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; role?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string' || (claims.role !== 'admin' && claims.role !== 'viewer') || typeof claims.exp !== 'number') return undefined;
    return { token, name: claims.sub, role: claims.role, expMs: claims.exp * 1000 };
  } catch (error: unknown) {
    if (error instanceof SyntaxError || error instanceof DOMException) return undefined;
    throw error;
  }
}

export function load(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  const session = token === null ? undefined : decode(token);
  return session !== undefined && session.expMs > Date.now() ? session : undefined;
}

export function save(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
