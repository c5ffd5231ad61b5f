import { inspect } from 'node:util';

/**
 * A set of named secret keys (request-signing or receipt keys). The key material never leaves
 * this object except through {@link KeyRing.get}: `JSON.stringify`, `util.inspect` and template
 * strings all print only the key ids, so a ring that ends up in a log line leaks nothing.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(keys: Readonly<Record<string, string>>) {
    this.#keys = new Map(Object.entries(keys).map(([kid, secret]) => [kid, Buffer.from(secret, 'utf8')]));
    Object.freeze(this);
  }

  /** The key ids, in declaration order. */
  get kids(): readonly string[] {
    return [...this.#keys.keys()];
  }

  has(kid: string): boolean {
    return this.#keys.has(kid);
  }

  /** A copy of the key material, so a caller cannot mutate the ring. */
  get(kid: string): Buffer | undefined {
    const key = this.#keys.get(kid);
    return key === undefined ? undefined : Buffer.from(key);
  }

  /** Every secret value, for the log redactor. */
  secretValues(): readonly string[] {
    return [...this.#keys.values()].map((k) => k.toString('utf8'));
  }

  toJSON(): { kids: readonly string[] } {
    return { kids: this.kids };
  }

  toString(): string {
    return `KeyRing(${this.kids.join(',')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
