/**
 * A short memory of expensive answers, for reads that many callers make at once and that may be a
 * moment old: the top of a leaderboard, which every player opens. Within `ttlMs` of a load, callers
 * get the stored value; while a load is running, callers of the same key share it (one Redis read
 * for a thousand players opening the board together). Failed loads are not stored, so an outage
 * is seen by the next caller. At most `maxEntries` values are kept; the oldest go first.
 *
 * Time is passed in (`nowMs`), as everywhere in core: the cache never reads a clock.
 */
export class MicroCache<V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  /** Insertion order is load order, so the first key is the oldest. */
  readonly #values = new Map<string, { readonly value: V; readonly expiresAtMs: number }>();
  readonly #loading = new Map<string, Promise<V>>();

  constructor(options: { readonly ttlMs: number; readonly maxEntries: number }) {
    if (!Number.isInteger(options.ttlMs) || options.ttlMs < 0) throw new RangeError(`ttlMs must be an integer >= 0, got ${options.ttlMs}`);
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError(`maxEntries must be an integer >= 1, got ${options.maxEntries}`);
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
  }

  /** False when `ttlMs` is 0: every call loads. */
  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  /**
   * The stored value of `key` while fresh at `nowMs`, else the running load of it, else a new
   * `load()`, stored for `ttlMs` from `nowMs` when it succeeds.
   */
  get(options: { readonly key: string; readonly nowMs: number; readonly load: () => Promise<V> }): Promise<V> {
    const { key, nowMs, load } = options;
    if (!this.enabled) return load();
    const stored = this.#values.get(key);
    if (stored !== undefined) {
      if (nowMs < stored.expiresAtMs) return Promise.resolve(stored.value);
      this.#values.delete(key);
    }
    const running = this.#loading.get(key);
    if (running !== undefined) return running;
    const loading: Promise<V> = load().then(
      (value) => {
        // Stored only if nobody forgot the key meanwhile: a load that began before a write may not see it.
        if (this.#loading.get(key) === loading) {
          this.#loading.delete(key);
          this.#store(key, value, nowMs + this.#ttlMs);
        }
        return value;
      },
      (error: unknown) => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
        throw error;
      },
    );
    this.#loading.set(key, loading);
    return loading;
  }

  /**
   * Drops every value whose key starts with `prefix`, and detaches running loads of them (their
   * callers still get the answer, but it is not stored): for a writer in the same process, so it
   * reads its own writes. Linear in the entries kept, which `maxEntries` bounds.
   */
  forgetPrefix(prefix: string): void {
    for (const key of this.#values.keys()) if (key.startsWith(prefix)) this.#values.delete(key);
    for (const key of this.#loading.keys()) if (key.startsWith(prefix)) this.#loading.delete(key);
  }

  #store(key: string, value: V, expiresAtMs: number): void {
    this.#values.set(key, { value, expiresAtMs });
    while (this.#values.size > this.#maxEntries) {
      const oldest = this.#values.keys().next();
      if (oldest.done === true) break;
      this.#values.delete(oldest.value);
    }
  }
}
