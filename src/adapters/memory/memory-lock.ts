import { setTimeout as sleep } from 'node:timers/promises';
import type { ExclusiveLock } from '../../core/leaderboard/ports.js';

/**
 * The embedded twin of the MySQL named lock: one process, so a set of held names suffices. A
 * waiter polls (like GET_LOCK's timeout) rather than queueing, which keeps it a few lines.
 */
export class MemoryLock implements ExclusiveLock {
  readonly #held = new Set<string>();

  async withLock<T>(options: { readonly name: string; readonly waitMs: number }, work: () => Promise<T>): Promise<{ readonly acquired: true; readonly value: T } | { readonly acquired: false }> {
    const deadline = Date.now() + options.waitMs;
    while (this.#held.has(options.name)) {
      if (Date.now() >= deadline) return { acquired: false };
      await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    }
    this.#held.add(options.name);
    try {
      return { acquired: true, value: await work() };
    } finally {
      this.#held.delete(options.name);
    }
  }
}
