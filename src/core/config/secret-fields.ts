import { inspect } from 'node:util';

/** Turns a secret string into something safe to print. */
export type Redactor = (value: string) => string;

export const REDACTED = '[redacted]';

export const redactAll: Redactor = () => REDACTED;

/**
 * Keeps only scheme, host, port and path of a URL: user info and query parameters may both carry
 * passwords (`mysql://u:p@host/db`, `mysql://host/db?password=p`).
 */
export const redactUrl: Redactor = (value) => {
  if (!URL.canParse(value)) return REDACTED;
  const url = new URL(value);
  const credentials = url.username !== '' || url.password !== '' ? `${REDACTED}@` : '';
  return `${url.protocol}//${credentials}${url.host}${url.pathname}`;
};

/**
 * Makes `JSON.stringify` and `util.inspect` print `target` with the named string fields redacted,
 * so that logging a settings object by mistake leaks nothing. Property access is unchanged; the
 * hooks are non-enumerable, so spreading and equality checks see only the data.
 */
export function withSecretFields<T extends object>(target: T, redactors: Readonly<Partial<Record<string, Redactor>>>): T {
  const view = (): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(target).map(([field, value]) => {
        const redact = redactors[field];
        return [field, typeof value === 'string' && redact !== undefined ? redact(value) : value];
      }),
    );
  Object.defineProperty(target, 'toJSON', { value: view });
  Object.defineProperty(target, inspect.custom, { value: view });
  return target;
}
