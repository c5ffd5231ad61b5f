import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExclusiveLock, LeaderboardArchive, PeriodRef, Standing } from '../../src/core/leaderboard/ports.js';

/** 2026-11-25T08:00:00Z */
const T0 = Date.UTC(2026, 10, 25, 8);
const WEEK: PeriodRef = { board: 'points', window: 'weekly', period: '2026-W48' };
const DAY: PeriodRef = { board: 'points', window: 'daily', period: '2026-11-24' };

function standings(n: number, from = 1): Standing[] {
  return Array.from({ length: n }, (_, i) => ({ rank: from + i, playerId: `player_${from + i}`, score: 10_000_000_000 - (from + i) }));
}

export interface ArchiveFixture {
  readonly archive: LeaderboardArchive;
  readonly lock: ExclusiveLock;
}

/** Each call of `make` must return an archive with no state (a fresh database or instance). */
export function leaderboardArchiveContract(name: string, make: () => Promise<ArchiveFixture> | ArchiveFixture): void {
  describe(`${name}: leaderboard archive`, () => {
    it('keeps one copy of a period’s snapshot, the latest', async () => {
      const { archive } = await make();
      expect(await archive.lastSnapshotAt()).toBeUndefined();
      await archive.saveSnapshot({ ...WEEK, takenAtMs: T0, players: 3, entries: standings(3) });
      await archive.saveSnapshot({ ...WEEK, takenAtMs: T0 + 900_000, players: 2, entries: standings(2) });
      expect(await archive.snapshotOf(WEEK)).toEqual({ takenAtMs: T0 + 900_000, players: 2, entries: standings(2) });
      await archive.saveSnapshot({ ...DAY, takenAtMs: T0 + 60_000, players: 0, entries: [] });
      expect(await archive.lastSnapshotAt()).toBe(T0 + 900_000);
      expect(await archive.snapshotOf({ ...WEEK, period: '2026-W01' })).toBeUndefined();
    });

    it('survives concurrent snapshots of one period with one complete copy', async () => {
      const { archive } = await make();
      await Promise.all([0, 1, 2, 3].map((i) => archive.saveSnapshot({ ...WEEK, takenAtMs: T0 + i, players: 1500, entries: standings(1500) })));
      const stored = await archive.snapshotOf(WEEK);
      expect(stored?.entries).toEqual(standings(1500));
    });

    it('closes a period exactly once, even when replicas race, and drops its snapshot', async () => {
      const { archive } = await make();
      await archive.saveSnapshot({ ...DAY, takenAtMs: T0 - 60_000, players: 5, entries: standings(5) });
      const outcomes = await Promise.all([0, 1, 2, 3, 4].map(() => archive.closePeriod({ ...DAY, closedAtMs: T0, players: 5, entries: standings(5), prizesPending: false })));
      expect(outcomes.filter((o) => o === 'closed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already')).toHaveLength(4);
      expect(await archive.finalStandings({ ...DAY, offset: 0, limit: 100 })).toEqual({ closedAtMs: T0, players: 5, archived: 5, entries: standings(5), prizes: 'none' });
      expect(await archive.snapshotOf(DAY)).toBeUndefined();
      expect(await archive.closedAmong({ board: 'points', window: 'daily', periods: ['2026-11-23', '2026-11-24'] })).toEqual(new Set(['2026-11-24']));
      expect(await archive.closedAmong({ board: 'xp', window: 'daily', periods: ['2026-11-24'] })).toEqual(new Set());
      expect(await archive.closedAmong({ board: 'points', window: 'daily', periods: [] })).toEqual(new Set());
    });

    it('pages final standings and knows nothing of periods never closed', async () => {
      const { archive } = await make();
      await archive.closePeriod({ ...WEEK, closedAtMs: T0, players: 2500, entries: standings(1200), prizesPending: false });
      const page = await archive.finalStandings({ ...WEEK, offset: 1100, limit: 500 });
      expect(page).toMatchObject({ players: 2500, archived: 1200 });
      expect(page?.entries).toEqual(standings(100, 1101));
      expect(await archive.finalStandings({ ...WEEK, period: '2026-W47', offset: 0, limit: 10 })).toBeUndefined();
      await archive.closePeriod({ ...DAY, closedAtMs: T0, players: 0, entries: [], prizesPending: false });
      expect(await archive.finalStandings({ ...DAY, offset: 0, limit: 10 })).toEqual({ closedAtMs: T0, players: 0, archived: 0, entries: [], prizes: 'none' });
    });

    it('lists closed periods with prizes owed, oldest first, until marked granted', async () => {
      const { archive } = await make();
      await archive.closePeriod({ ...WEEK, closedAtMs: T0 + 2, players: 1, entries: standings(1), prizesPending: true });
      await archive.closePeriod({ ...DAY, closedAtMs: T0 + 1, players: 1, entries: standings(1), prizesPending: true });
      await archive.closePeriod({ ...DAY, period: '2026-11-23', closedAtMs: T0, players: 1, entries: standings(1), prizesPending: false });
      expect(await archive.pendingPrizes({ limit: 10 })).toEqual([{ ...DAY, closedAtMs: T0 + 1 }, { ...WEEK, closedAtMs: T0 + 2 }]);
      expect(await archive.pendingPrizes({ limit: 1 })).toHaveLength(1);
      await archive.markPrizesGranted({ ...DAY, atMs: T0 + 5 });
      await archive.markPrizesGranted({ ...DAY, atMs: T0 + 6 });
      expect(await archive.pendingPrizes({ limit: 10 })).toEqual([{ ...WEEK, closedAtMs: T0 + 2 }]);
      // The final standings say so too (the console shows it next to them).
      expect((await archive.finalStandings({ ...DAY, offset: 0, limit: 1 }))?.prizes).toBe('granted');
      expect((await archive.finalStandings({ ...WEEK, offset: 0, limit: 1 }))?.prizes).toBe('pending');
      expect((await archive.finalStandings({ ...DAY, period: '2026-11-23', offset: 0, limit: 1 }))?.prizes).toBe('none');
    });

    it('lock: one holder at a time; others give up after waiting, or get it once it is free', async () => {
      const { lock } = await make();
      const name = `liveops_test_${randomUUID().slice(0, 8)}`;
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first = lock.withLock({ name, waitMs: 0 }, async () => {
        await held;
        return 'first';
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await lock.withLock({ name, waitMs: 0 }, () => Promise.resolve('second'))).toEqual({ acquired: false });
      expect(await lock.withLock({ name: `${name}_other`, waitMs: 0 }, () => Promise.resolve('other'))).toEqual({ acquired: true, value: 'other' });
      const waiting = lock.withLock({ name, waitMs: 3_000 }, () => Promise.resolve('waited'));
      release();
      expect(await first).toEqual({ acquired: true, value: 'first' });
      expect(await waiting).toEqual({ acquired: true, value: 'waited' });
    });

    it('lock: released when the work fails', async () => {
      const { lock } = await make();
      const name = `liveops_test_${randomUUID().slice(0, 8)}`;
      await expect(lock.withLock({ name, waitMs: 0 }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await lock.withLock({ name, waitMs: 0 }, () => Promise.resolve(1))).toEqual({ acquired: true, value: 1 });
    });
  });
}
