import type { LeaderboardWindow } from '../../core/config/types.js';
import type { FinalStandings, LeaderboardArchive, PendingPrizes, PeriodRef, Standing, StoredSnapshot } from '../../core/leaderboard/ports.js';

interface Closure {
  readonly ref: PeriodRef;
  readonly closedAtMs: number;
  readonly players: number;
  readonly entries: readonly Standing[];
  prizes: 'none' | 'pending' | 'granted';
}

/** The embedded twin of the MySQL archive; the contract suite holds the two together. */
export class MemoryLeaderboardArchive implements LeaderboardArchive {
  readonly #snapshots = new Map<string, StoredSnapshot>();
  readonly #closures = new Map<string, Closure>();

  saveSnapshot(options: PeriodRef & { readonly takenAtMs: number; readonly players: number; readonly entries: readonly Standing[] }): Promise<void> {
    this.#snapshots.set(idOf(options), { takenAtMs: options.takenAtMs, players: options.players, entries: [...options.entries] });
    return Promise.resolve();
  }

  snapshotOf(ref: PeriodRef): Promise<StoredSnapshot | undefined> {
    return Promise.resolve(this.#snapshots.get(idOf(ref)));
  }

  lastSnapshotAt(): Promise<number | undefined> {
    let last: number | undefined;
    for (const s of this.#snapshots.values()) if (last === undefined || s.takenAtMs > last) last = s.takenAtMs;
    return Promise.resolve(last);
  }

  closedAmong(options: { readonly board: string; readonly window: LeaderboardWindow; readonly periods: readonly string[] }): Promise<ReadonlySet<string>> {
    return Promise.resolve(new Set(options.periods.filter((period) => this.#closures.has(idOf({ board: options.board, window: options.window, period })))));
  }

  closePeriod(options: PeriodRef & { readonly closedAtMs: number; readonly players: number; readonly entries: readonly Standing[]; readonly prizesPending: boolean }): Promise<'closed' | 'already'> {
    const id = idOf(options);
    if (this.#closures.has(id)) return Promise.resolve('already');
    const ref = { board: options.board, window: options.window, period: options.period };
    this.#closures.set(id, { ref, closedAtMs: options.closedAtMs, players: options.players, entries: [...options.entries], prizes: options.prizesPending ? 'pending' : 'none' });
    this.#snapshots.delete(id);
    return Promise.resolve('closed');
  }

  finalStandings(options: PeriodRef & { readonly offset: number; readonly limit: number }): Promise<FinalStandings | undefined> {
    const closure = this.#closures.get(idOf(options));
    if (closure === undefined) return Promise.resolve(undefined);
    return Promise.resolve({
      closedAtMs: closure.closedAtMs,
      players: closure.players,
      archived: closure.entries.length,
      entries: closure.entries.slice(options.offset, options.offset + options.limit),
      prizes: closure.prizes,
    });
  }

  pendingPrizes(options: { readonly limit: number }): Promise<readonly PendingPrizes[]> {
    const pending = [...this.#closures.values()]
      .filter((c) => c.prizes === 'pending')
      .sort((a, b) => a.closedAtMs - b.closedAtMs)
      .slice(0, options.limit)
      .map((c) => ({ ...c.ref, closedAtMs: c.closedAtMs }));
    return Promise.resolve(pending);
  }

  markPrizesGranted(options: PeriodRef & { readonly atMs: number }): Promise<void> {
    const closure = this.#closures.get(idOf(options));
    if (closure?.prizes === 'pending') closure.prizes = 'granted';
    return Promise.resolve();
  }
}

function idOf(ref: PeriodRef): string {
  return `${ref.board}/${ref.window}/${ref.period}`;
}
