/**
 * A map whose entries expire at a given instant, with time passed in (never read), so the memory
 * stores follow pinned test clocks exactly like their Redis twins. Expired entries are dropped on
 * access and by a sweep every `sweepEvery` writes, so the map cannot grow without bound.
 */
export class ExpiringMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAtMs: number }>();
  #writes = 0;

  constructor(private readonly sweepEvery = 1_000) {}

  get(key: string, nowMs: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAtMs: number, nowMs: number): void {
    // Re-inserting moves the key to the end, so insertion order stays close to expiry order.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAtMs });
    this.#writes += 1;
    if (this.#writes % this.sweepEvery === 0) this.sweep(nowMs);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  sweep(nowMs: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAtMs <= nowMs) this.#entries.delete(key);
  }
}
