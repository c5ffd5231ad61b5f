import type { LeaderboardDefinition, LeaderboardWindow } from '../config/types.js';
import type { LeaderboardPrize } from '../config/settings-prizes.js';
import { problems, type ClientError } from '../errors/errors.js';
import { decodeScore, TIE_ENCODINGS } from './encoding.js';
import { PERIOD_ID_EXAMPLES, type Period, type PeriodCalendar } from './periods.js';
import type { BoardKey, FinalStandings, LeaderboardArchive, LeaderboardStore, RawEntry, Standing } from './ports.js';

export interface TopResult {
  readonly board: string;
  readonly window: LeaderboardWindow;
  readonly period: string;
  readonly total: number;
  readonly entries: readonly Standing[];
}

export interface PlayerResult {
  readonly board: string;
  readonly window: LeaderboardWindow;
  readonly period: string;
  readonly playerId: string;
  readonly rank: number;
  readonly score: number;
  readonly total: number;
  /** The board from `around` ranks above to `around` below the player, the player included. */
  readonly neighbors: readonly Standing[];
}

export interface HistoryResult {
  readonly board: string;
  readonly window: LeaderboardWindow;
  readonly period: string;
  readonly closedAt: string;
  /** Players on the board when it closed. */
  readonly players: number;
  /** Standings archived (what `offset`/`limit` page through). */
  readonly total: number;
  readonly entries: readonly Standing[];
  /**
   * The period's prizes: whether they are owed or granted, and who on this page wins what under
   * LEADERBOARD_PRIZES as configured now (the grants themselves are receipts, per player).
   */
  readonly prizes: { readonly state: FinalStandings['prizes']; readonly awards: readonly { readonly rank: number; readonly playerId: string; readonly rewardId: string; readonly item: string; readonly qty: number }[] };
}

/** A board, window and period as asked for, validated. */
export interface Target {
  readonly board: LeaderboardDefinition;
  readonly window: LeaderboardWindow;
  readonly period: Period;
}

/**
 * The read side of DESIGN §2: top-N pages, a player's rank with neighbours, and the final
 * standings of closed periods. Every invalid board, window or period is a 400 that lists what
 * is allowed, so a client can correct itself without reading the docs.
 */
export class LeaderboardQueries {
  readonly #boards: ReadonlyMap<string, LeaderboardDefinition>;

  constructor(private readonly options: { readonly store: LeaderboardStore; readonly archive: LeaderboardArchive; readonly boards: readonly LeaderboardDefinition[]; readonly calendar: PeriodCalendar; readonly seasonId: number; readonly prizes?: readonly LeaderboardPrize[] }) {
    this.#boards = new Map(options.boards.map((b) => [b.id, b]));
  }

  /** The board (DESIGN §2's default board is the first declared). */
  get defaultBoard(): LeaderboardDefinition | undefined {
    return this.options.boards[0];
  }

  /**
   * Resolves a request's board, window and period (`current` or an id).
   * `closedOnly` refuses `current` and windows that never close (history).
   */
  target(options: { readonly board: string; readonly window: string; readonly period: string; readonly nowMs: number; readonly windows?: readonly LeaderboardWindow[]; readonly closedOnly?: boolean }): Target {
    const board = this.#boards.get(options.board);
    if (board === undefined) throw invalid('board', `board must be one of ${[...this.#boards.keys()].join(', ')}`, [...this.#boards.keys()]);
    const allowed = board.windows.filter((w) => (options.windows ?? board.windows).includes(w) && !(options.closedOnly === true && w === 'alltime'));
    const window = allowed.find((w) => w === options.window);
    if (window === undefined) throw invalid('window', `window must be one of ${allowed.join(', ')} for board ${board.id}`, allowed);
    if (options.period === 'current' && options.closedOnly !== true) {
      return { board, window, period: this.options.calendar.current({ window, nowMs: options.nowMs, seasonId: this.options.seasonId }) };
    }
    const period = this.options.calendar.parse(window, options.period);
    if (period === undefined) {
      const rule = options.closedOnly === true ? `period must be ${PERIOD_ID_EXAMPLES[window]}` : `period must be 'current' or ${PERIOD_ID_EXAMPLES[window]}`;
      throw invalid('query.period', rule);
    }
    return { board, window, period };
  }

  async top(options: { readonly target: Target; readonly offset: number; readonly limit: number; readonly nowMs: number }): Promise<TopResult> {
    const { target } = options;
    const { total, entries } = await this.options.store.range({ key: keyOf(target), order: target.board.order, offset: options.offset, limit: options.limit, nowMs: options.nowMs });
    return { ...names(target), total, entries: this.#standings(target, entries, options.offset) };
  }

  /** Undefined when the player is not on the board (a 404). */
  async player(options: { readonly target: Target; readonly playerId: string; readonly around: number; readonly nowMs: number }): Promise<PlayerResult | undefined> {
    const { target } = options;
    const found = await this.options.store.around({ key: keyOf(target), order: target.board.order, playerId: options.playerId, around: options.around, nowMs: options.nowMs });
    if (found === undefined) return undefined;
    const neighbors = this.#standings(target, found.entries, found.offset);
    const self = neighbors.find((s) => s.playerId === options.playerId);
    return { ...names(target), playerId: options.playerId, rank: found.rank + 1, score: self?.score ?? 0, total: found.total, neighbors };
  }

  /** Undefined when the period has no archived final standings (not closed yet, or never existed). */
  async history(options: { readonly target: Target; readonly offset: number; readonly limit: number }): Promise<HistoryResult | undefined> {
    const { target } = options;
    const final = await this.options.archive.finalStandings({ board: target.board.id, window: target.window, period: target.period.id, offset: options.offset, limit: options.limit });
    if (final === undefined) return undefined;
    const prizes = (this.options.prizes ?? []).filter((p) => p.board === target.board.id && p.window === target.window);
    const awards = final.entries.flatMap((e) => prizes.filter((p) => e.rank >= p.rank && e.rank <= p.rankTo).map((p) => ({ rank: e.rank, playerId: e.playerId, rewardId: p.rewardId, item: p.item, qty: p.qty })));
    return { ...names(target), closedAt: new Date(final.closedAtMs).toISOString(), players: final.players, total: final.archived, entries: final.entries, prizes: { state: final.prizes, awards } };
  }

  #standings(target: Target, entries: readonly RawEntry[], offset: number): Standing[] {
    return toStandings({ window: target.window, order: target.board.order, entries, offset });
  }
}

/** Stored entries from 0-based rank `offset` on → 1-based standings with plain scores. */
export function toStandings(options: { readonly window: LeaderboardWindow; readonly order: LeaderboardDefinition['order']; readonly entries: readonly RawEntry[]; readonly offset: number }): Standing[] {
  const bits = TIE_ENCODINGS[options.window].bits;
  return options.entries.map((e, i) => ({ rank: options.offset + i + 1, playerId: e.playerId, score: decodeScore({ encoded: e.encoded, bits, order: options.order }).score }));
}

export function keyOf(target: Target): BoardKey {
  return { board: target.board.id, window: target.window, period: target.period.id };
}

function names(target: Target): { board: string; window: LeaderboardWindow; period: string } {
  return { board: target.board.id, window: target.window, period: target.period.id };
}

/** A 400 naming the parameter, the rule and (when it is a closed set) the allowed values. */
export function invalid(path: string, message: string, allowed?: readonly string[]): ClientError {
  return problems.validation([{ path, message, ...(allowed === undefined ? {} : { allowed }) }]);
}
