import { applyOperator, decodeScore, encodeScore, type Order } from '../../core/leaderboard/encoding.js';
import { DEDUP_HORIZON_MS, type AroundResult, type ApplyOutcome, type BoardKey, type Expiry, type LeaderboardStore, type RangeResult, type RawEntry, type ScoreUpdate } from '../../core/leaderboard/ports.js';

interface Board {
  readonly scores: Map<string, number>;
  expiresAtMs: number | undefined;
  /** Sorted entries and each player's index in them; dropped on every write. */
  sorted: { readonly order: Order; readonly entries: RawEntry[]; readonly index: Map<string, number> } | undefined;
}

/**
 * The embedded twin of the Redis leaderboard store: the same operators, encoding, ordering, dedup
 * horizon, expiry and closing rules (the contract suite holds the two together). Time is passed
 * in, so expiry follows pinned test clocks.
 */
export class MemoryLeaderboardStore implements LeaderboardStore {
  readonly #boards = new Map<string, Board>();
  /** Per board key: eventId → when it was applied. */
  readonly #applied = new Map<string, { readonly ids: Map<string, number>; expiresAtMs: number }>();
  /** Per closed board key: when the marker expires (undefined: never). */
  readonly #closed = new Map<string, number | undefined>();

  apply(options: { readonly updates: readonly ScoreUpdate[]; readonly nowMs: number }): Promise<ApplyOutcome[]> {
    const { nowMs } = options;
    return Promise.resolve(options.updates.map((update) => this.#applyOne(update, nowMs)));
  }

  range(options: { readonly key: BoardKey; readonly order: Order; readonly offset: number; readonly limit: number; readonly nowMs: number }): Promise<RangeResult> {
    const sorted = this.#sorted(options.key, options.order, options.nowMs);
    return Promise.resolve({ total: sorted.length, entries: sorted.slice(options.offset, options.offset + options.limit) });
  }

  around(options: { readonly key: BoardKey; readonly order: Order; readonly playerId: string; readonly around: number; readonly nowMs: number }): Promise<AroundResult | undefined> {
    const board = this.#live(options.key, options.nowMs);
    if (board === undefined || !board.scores.has(options.playerId)) return Promise.resolve(undefined);
    const sorted = this.#sortedBoard(board, options.order);
    const rank = sorted.index.get(options.playerId) ?? 0;
    const offset = Math.max(0, rank - options.around);
    return Promise.resolve({ rank, total: sorted.entries.length, offset, entries: sorted.entries.slice(offset, rank + options.around + 1) });
  }

  close(options: { readonly key: BoardKey; readonly expiry: Expiry; readonly nowMs: number }): Promise<void> {
    const id = keyOf(options.key);
    if (!this.#isClosed(id, options.nowMs)) this.#closed.set(id, expiresAt(options.expiry, options.nowMs));
    return Promise.resolve();
  }

  #applyOne(update: ScoreUpdate, nowMs: number): ApplyOutcome {
    const id = keyOf(update.key);
    const applied = this.#appliedIds(id, nowMs);
    // Insertion order is application order, so the ids past the horizon are at the front.
    for (const [eventId, at] of applied) {
      if (at > nowMs - DEDUP_HORIZON_MS) break;
      applied.delete(eventId);
    }
    if (applied.has(update.eventId)) return 'duplicate';
    if (this.#isClosed(id, nowMs)) return 'closed';
    const board = this.#live(update.key, nowMs) ?? { scores: new Map<string, number>(), expiresAtMs: undefined, sorted: undefined };
    this.#boards.set(id, board);
    const { tieBits: bits, order } = update;
    const raw = board.scores.get(update.playerId);
    const result = applyOperator({
      existing: raw === undefined ? undefined : decodeScore({ encoded: raw, bits, order }),
      operator: update.operator,
      order,
      value: update.value,
      tie: update.tie,
      max: update.maxScore,
    });
    board.scores.set(update.playerId, encodeScore({ score: result.score, tie: result.tie, bits, order }));
    board.sorted = undefined;
    // Like PEXPIREAT / PEXPIRE on every write; no expiry leaves an existing one alone (PERSIST is never sent).
    const expiry = expiresAt(update.expiry, nowMs);
    if (expiry !== undefined) board.expiresAtMs = expiry;
    applied.set(update.eventId, nowMs);
    const record = this.#applied.get(id);
    if (record !== undefined) record.expiresAtMs = nowMs + DEDUP_HORIZON_MS;
    return result.clamped ? 'clamped' : 'applied';
  }

  #appliedIds(id: string, nowMs: number): Map<string, number> {
    const record = this.#applied.get(id);
    if (record !== undefined && record.expiresAtMs > nowMs) return record.ids;
    const fresh = { ids: new Map<string, number>(), expiresAtMs: nowMs + DEDUP_HORIZON_MS };
    this.#applied.set(id, fresh);
    return fresh.ids;
  }

  #isClosed(id: string, nowMs: number): boolean {
    if (!this.#closed.has(id)) return false;
    const until = this.#closed.get(id);
    if (until !== undefined && until <= nowMs) {
      this.#closed.delete(id);
      return false;
    }
    return true;
  }

  #live(key: BoardKey, nowMs: number): Board | undefined {
    const id = keyOf(key);
    const board = this.#boards.get(id);
    if (board?.expiresAtMs !== undefined && board.expiresAtMs <= nowMs) {
      this.#boards.delete(id);
      return undefined;
    }
    return board;
  }

  #sorted(key: BoardKey, order: Order, nowMs: number): RawEntry[] {
    const board = this.#live(key, nowMs);
    return board === undefined ? [] : this.#sortedBoard(board, order).entries;
  }

  #sortedBoard(board: Board, order: Order): NonNullable<Board['sorted']> {
    if (board.sorted?.order === order) return board.sorted;
    const entries = [...board.scores].map(([playerId, encoded]) => ({ playerId, encoded }));
    // Redis' order: by score, then by member bytes (player ids are ASCII, so string order is byte order).
    const sign = order === 'desc' ? -1 : 1;
    entries.sort((a, b) => sign * (a.encoded - b.encoded || (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0)));
    const sorted = { order, entries, index: new Map(entries.map((e, i) => [e.playerId, i])) };
    board.sorted = sorted;
    return sorted;
  }
}

function keyOf(key: BoardKey): string {
  return `${key.board}:${key.window}:${key.period}`;
}

function expiresAt(expiry: Expiry, nowMs: number): number | undefined {
  if (expiry === undefined) return undefined;
  return 'atMs' in expiry ? expiry.atMs : nowMs + expiry.afterMs;
}
