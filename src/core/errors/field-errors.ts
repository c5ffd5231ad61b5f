/**
 * How much of a caller's input a problem body may echo back (issue #19 item 2). Paths and zod
 * messages can carry the caller's own field names, and a refusal is stored for the Idempotency-Key
 * horizon: unbounded, a 1 MB body of unknown keys became ~1 MB of Redis per request. These bounds
 * keep any validation problem under ~2 KB while still naming the first few mistakes exactly.
 */
export const MAX_FIELD_ERRORS = 5;
export const MAX_ECHO_CHARS = 64;
export const MAX_MESSAGE_CHARS = 256;

export interface FieldErrorLike {
  readonly path: string;
  readonly message: string;
}

/** Cuts a string to `max` characters (whole code points), marking the cut with an ellipsis. */
export function truncateEcho(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The first MAX_FIELD_ERRORS errors with bounded paths and messages, and how many were left out. */
export function boundFieldErrors<E extends FieldErrorLike>(errors: readonly E[]): { readonly errors: E[]; readonly omitted: number } {
  return {
    // Other members (e.g. `allowed`) come from our own schemas, not the caller, so they stay.
    errors: errors.slice(0, MAX_FIELD_ERRORS).map((e) => ({ ...e, path: truncateEcho(e.path, MAX_ECHO_CHARS * 2), message: truncateEcho(e.message, MAX_MESSAGE_CHARS) })),
    omitted: Math.max(0, errors.length - MAX_FIELD_ERRORS),
  };
}

/** `unknown fields: a, b, c and 7 more`, naming at most three, each cut to MAX_ECHO_CHARS. */
export function unknownFieldsMessage(keys: readonly string[]): string {
  const shown = keys.slice(0, 3).map((k) => truncateEcho(k, MAX_ECHO_CHARS));
  const more = keys.length > shown.length ? ` and ${keys.length - shown.length} more` : '';
  return `unknown field${keys.length > 1 ? 's' : ''}: ${shown.join(', ')}${more}`;
}
