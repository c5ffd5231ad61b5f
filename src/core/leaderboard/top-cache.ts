import { MicroCache } from '../cache/micro-cache.js';
import type { BoardKey, LeaderboardStore } from './ports.js';

/** Only pages inside the top 1000 are cached: deeper pages are rarely asked for twice. */
export const CACHED_TOP_DEPTH = 1000;
/** Pages kept: boards × windows × the periods and page sizes being read, with room. */
const MAX_CACHED_PAGES = 256;

/**
 * The top pages of the boards, kept for `ttlMs` (LB_CACHE_MS) in whatever form the caller
 * stores (the query routes keep the rendered JSON, so a hit costs neither Redis nor rendering).
 *
 * Why: the top of a board is what every player opens, so it is read far more often than it
 * changes meaningfully, and each read is a Redis round trip, the parsing of a few hundred reply
 * strings and a few kilobytes of JSON. While a page loads, its other callers share the load.
 *
 * The price is staleness: a page may be up to `ttlMs` old when another process wrote the board
 * (in production the leaderboard consumer runs in its own pods), and a board key that expired may
 * still be served for up to `ttlMs`. Writes and closes in this process forget the pages of the
 * keys they touch ({@link forgettingWrites}), so a process reads its own writes: the embedded host
 * runs the consumer and the routes in one process. `ttlMs` 0 turns the cache off.
 */
export class TopPageCache<V> {
  readonly #cache: MicroCache<V>;

  constructor(options: { readonly ttlMs: number }) {
    this.#cache = new MicroCache<V>({ ttlMs: options.ttlMs, maxEntries: MAX_CACHED_PAGES });
  }

  /** The page `offset`/`limit` of `key` (one page of one order: a board has one), cached when inside the top. */
  get(options: { readonly key: BoardKey; readonly offset: number; readonly limit: number; readonly nowMs: number; readonly load: () => Promise<V> }): Promise<V> {
    const { key, offset, limit, nowMs, load } = options;
    if (offset + limit > CACHED_TOP_DEPTH) return load();
    return this.#cache.get({ key: `${prefixOf(key)}${offset}:${limit}`, nowMs, load });
  }

  /** Drops every cached page of `key`. */
  forget(key: BoardKey): void {
    if (this.#cache.enabled) this.#cache.forgetPrefix(prefixOf(key));
  }
}

/** NUL separates the parts: no board id, window or period id contains one. */
function prefixOf(key: BoardKey): string {
  return `${key.board}\u0000${key.window}\u0000${key.period}\u0000`;
}

/** `store`, with every write and close forgetting the cached pages of the keys it touched. */
export function forgettingWrites(store: LeaderboardStore, pages: { forget(key: BoardKey): void }): LeaderboardStore {
  return {
    apply: async (options) => {
      try {
        return await store.apply(options);
      } finally {
        // Also after a failure: a script may have run before the connection broke.
        const touched = new Map(options.updates.map((u) => [prefixOf(u.key), u.key] as const));
        for (const key of touched.values()) pages.forget(key);
      }
    },
    range: (options) => store.range(options),
    around: (options) => store.around(options),
    close: async (options) => {
      try {
        await store.close(options);
      } finally {
        pages.forget(options.key);
      }
    },
  };
}
