import { z } from 'zod';
import { problems } from '../errors/errors.js';

/**
 * Opaque paging cursors for the admin listings (issue #19 item 5). A cursor carries the key of the
 * last item served and the listing it belongs to (`scope`, e.g. one player's quarantine), so a
 * cursor is refused on another listing instead of silently starting somewhere else in it.
 */
export interface CursorOptions {
  readonly scope: string;
  /** What a key of this listing looks like (`KEY_PATTERNS`). */
  readonly keyPattern: RegExp;
}

const MAX_CURSOR_CHARS = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(options: { readonly scope: string; readonly after: string }): string {
  return Buffer.from(JSON.stringify({ s: options.scope, k: options.after }), 'utf8').toString('base64url');
}

/** The key after which the next page starts; a cursor that is not ours for this listing → 400. */
export function decodeCursor(raw: string, options: CursorOptions): string {
  const refuse = (message: string) => problems.validation([{ path: 'query.cursor', message }]);
  if (raw.length === 0 || raw.length > MAX_CURSOR_CHARS || !BASE64URL.test(raw)) throw refuse('cursor is not a cursor this API returned');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch (error: unknown) {
    // Not silent: a cursor that is not JSON is the caller's error, answered as such.
    throw refuse(`cursor is not a cursor this API returned (${error instanceof Error ? error.name : 'unreadable'})`);
  }
  const shape = z.strictObject({ s: z.string(), k: z.string().regex(options.keyPattern) }).safeParse(decoded);
  if (!shape.success) throw refuse('cursor is not a cursor this API returned');
  if (shape.data.s !== options.scope) throw refuse('cursor belongs to another listing (other query parameters)');
  return shape.data.k;
}
