/** A value created on first access and kept; `peek` tells whether it was ever created. */
export interface Lazy<T> {
  get(): T;
  peek(): T | undefined;
}

export function lazy<T>(create: () => T): Lazy<T> {
  let created: { value: T } | undefined;
  return {
    get: () => (created ??= { value: create() }).value,
    peek: () => created?.value,
  };
}
