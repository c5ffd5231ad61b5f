/**
 * The staff token (`npm run admin-token`, or the studio identity provider's), kept in session
 * storage only: it dies with the tab, and sign-out removes it. Who it names and with which role
 * the server says (`GET /api/admin/whoami`); the page reads only `exp`, to send an expired token
 * back to sign-in without a round trip.
 */
const KEY = 'liveops.adminToken';

export interface Session {
  readonly token: string;
  /** As the audit trail records it: `token:<name>` or `idp:<name>`. */
  readonly name: string;
  readonly role: 'admin' | 'viewer';
  readonly expMs: number;
}

/** The token's `exp` in ms, or undefined when it is not a JWT with one. */
export function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch (error: unknown) {
    if (error instanceof SyntaxError || error instanceof DOMException) return undefined;
    throw error;
  }
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function save(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
