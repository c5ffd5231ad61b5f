import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LeaderboardWindow } from '../../src/core/config/types.js';
import { decodeScore, maxScore, TIE_ENCODINGS, type Operator, type Order } from '../../src/core/leaderboard/encoding.js';
import { DEDUP_HORIZON_MS, type BoardKey, type Expiry, type LeaderboardStore, type ScoreUpdate } from '../../src/core/leaderboard/ports.js';

/**
 * One suite for every LeaderboardStore. Times are real (near Date.now()): Redis expires keys on
 * its own clock, so expiry can only be compared against a memory store fed the same instants.
 */
const DAY: BoardKey = { board: 'points', window: 'daily', period: '2026-11-25' };

export interface UpdateSpec {
  readonly key?: BoardKey;
  readonly playerId: string;
  readonly value: number;
  readonly tie?: number;
  readonly operator?: Operator;
  readonly order?: Order;
  readonly eventId?: string;
  readonly expiry?: Expiry;
}

export function update(spec: UpdateSpec): ScoreUpdate {
  const key = spec.key ?? DAY;
  return {
    key,
    eventId: spec.eventId ?? randomUUID(),
    playerId: spec.playerId,
    operator: spec.operator ?? 'incr',
    order: spec.order ?? 'desc',
    value: spec.value,
    tie: spec.tie ?? 0,
    tieBits: TIE_ENCODINGS[key.window].bits,
    maxScore: maxScore(key.window),
    expiry: 'expiry' in spec ? spec.expiry : { afterMs: 3_600_000 },
  };
}

/** [playerId, score, tie] rows of the whole board, best first. */
async function standings(store: LeaderboardStore, options: { key?: BoardKey; order?: Order; nowMs?: number } = {}): Promise<[string, number, number][]> {
  const key = options.key ?? DAY;
  const order = options.order ?? 'desc';
  const { entries } = await store.range({ key, order, offset: 0, limit: 1000, nowMs: options.nowMs ?? Date.now() });
  return entries.map((e) => {
    const { score, tie } = decodeScore({ encoded: e.encoded, bits: TIE_ENCODINGS[key.window].bits, order });
    return [e.playerId, score, tie];
  });
}

/** Each call of `make` must return a store with no state (fresh prefix or instance). */
export function leaderboardStoreContract(name: string, make: () => Promise<LeaderboardStore> | LeaderboardStore): void {
  const now = (): number => Date.now();

  describe(`${name}: leaderboard store`, () => {
    it('incr adds up per player and ranks by score, best first', async () => {
      const store = await make();
      const outcomes = await store.apply({ updates: [update({ playerId: 'ann', value: 10, tie: 5 }), update({ playerId: 'bob', value: 30, tie: 6 }), update({ playerId: 'ann', value: 25, tie: 9 })], nowMs: now() });
      expect(outcomes).toEqual(['applied', 'applied', 'applied']);
      // ann's 35 was reached with her latest increment (tie 9).
      expect(await standings(store)).toEqual([['ann', 35, 9], ['bob', 30, 6]]);
    });

    it('ranks equal scores by who reached them first, on desc and asc boards', async () => {
      const store = await make();
      await store.apply({ updates: [update({ playerId: 'late', value: 50, tie: 200 }), update({ playerId: 'early', value: 50, tie: 100 }), update({ playerId: 'top', value: 51, tie: 300 })], nowMs: now() });
      expect((await standings(store)).map(([p]) => p)).toEqual(['top', 'early', 'late']);
      const asc: BoardKey = { board: 'speed', window: 'weekly', period: '2026-W48' };
      await store.apply({ updates: [update({ key: asc, order: 'asc', operator: 'best', playerId: 'late', value: 50, tie: 200 }), update({ key: asc, order: 'asc', operator: 'best', playerId: 'early', value: 50, tie: 100 }), update({ key: asc, order: 'asc', operator: 'best', playerId: 'fast', value: 49, tie: 300 })], nowMs: now() });
      expect((await standings(store, { key: asc, order: 'asc' })).map(([p]) => p)).toEqual(['fast', 'early', 'late']);
    });

    it('orders a complete tie (same score, same time unit) by player id: descending on desc boards, ascending on asc', async () => {
      const store = await make();
      await store.apply({ updates: ['b_player', 'c_player', 'a_player'].map((playerId) => update({ playerId, value: 7, tie: 1 })), nowMs: now() });
      expect((await standings(store)).map(([p]) => p)).toEqual(['c_player', 'b_player', 'a_player']);
      const asc: BoardKey = { ...DAY, board: 'asc_board' };
      await store.apply({ updates: ['b_player', 'c_player', 'a_player'].map((playerId) => update({ key: asc, order: 'asc', playerId, value: 7, tie: 1 })), nowMs: now() });
      expect((await standings(store, { key: asc, order: 'asc' })).map(([p]) => p)).toEqual(['a_player', 'b_player', 'c_player']);
    });

    it('best keeps the higher score on desc boards and the lower on asc boards, with the time it was first reached', async () => {
      const store = await make();
      const best = (playerId: string, value: number, tie: number, order: Order = 'desc'): ScoreUpdate =>
        update({ key: order === 'desc' ? DAY : { ...DAY, board: 'fastest' }, operator: 'best', order, playerId, value, tie });
      await store.apply({ updates: [best('ann', 100, 1), best('ann', 90, 2), best('ann', 100, 3), best('ann', 120, 4), best('ann', 110, 5)], nowMs: now() });
      expect(await standings(store)).toEqual([['ann', 120, 4]]);
      await store.apply({ updates: [best('ann', 100, 1, 'asc'), best('ann', 90, 2, 'asc'), best('ann', 95, 3, 'asc'), best('ann', 90, 4, 'asc')], nowMs: now() });
      expect(await standings(store, { key: { ...DAY, board: 'fastest' }, order: 'asc' })).toEqual([['ann', 90, 2]]);
    });

    it('set takes the latest value; the same value again keeps the earlier time', async () => {
      const store = await make();
      const set = (value: number, tie: number): ScoreUpdate => update({ operator: 'set', playerId: 'ann', value, tie });
      await store.apply({ updates: [set(100, 1), set(40, 2)], nowMs: now() });
      expect(await standings(store)).toEqual([['ann', 40, 2]]);
      await store.apply({ updates: [set(40, 9)], nowMs: now() });
      expect(await standings(store)).toEqual([['ann', 40, 2]]);
    });

    it('applies a redelivered eventId once per board key, within one batch and across batches', async () => {
      const store = await make();
      const first = update({ playerId: 'ann', value: 10, eventId: 'e-1' });
      expect(await store.apply({ updates: [first, first], nowMs: now() })).toEqual(['applied', 'duplicate']);
      expect(await store.apply({ updates: [first, update({ playerId: 'ann', value: 5, eventId: 'e-2' })], nowMs: now() })).toEqual(['duplicate', 'applied']);
      expect(await standings(store)).toEqual([['ann', 15, 0]]);
      // The same event on another window of the board is a different key, so it counts there once.
      const week = update({ key: { ...DAY, window: 'weekly', period: '2026-W48' }, playerId: 'ann', value: 10, eventId: 'e-1' });
      expect(await store.apply({ updates: [week], nowMs: now() })).toEqual(['applied']);
    });

    it('forgets an eventId after the dedup horizon', async () => {
      const store = await make();
      const t = now();
      const again = update({ playerId: 'ann', value: 10, eventId: 'e-old', expiry: undefined });
      await store.apply({ updates: [again], nowMs: t - DEDUP_HORIZON_MS - 1000 });
      expect(await store.apply({ updates: [again], nowMs: t - 1000 })).toEqual(['applied']);
      expect(await standings(store)).toEqual([['ann', 20, 0]]);
    });

    it('refuses updates once the period is closed, keeps duplicates reported as duplicates, and closing twice is harmless', async () => {
      const store = await make();
      const applied = update({ playerId: 'ann', value: 10 });
      await store.apply({ updates: [applied], nowMs: now() });
      await store.close({ key: DAY, expiry: { afterMs: 60_000 }, nowMs: now() });
      await store.close({ key: DAY, expiry: { afterMs: 60_000 }, nowMs: now() });
      expect(await store.apply({ updates: [update({ playerId: 'bob', value: 99 }), applied], nowMs: now() })).toEqual(['closed', 'duplicate']);
      expect(await standings(store)).toEqual([['ann', 10, 0]]);
      expect(await store.apply({ updates: [update({ key: { ...DAY, period: '2026-11-26' }, playerId: 'bob', value: 1 })], nowMs: now() })).toEqual(['applied']);
    });

    it('clamps a score that would leave the window range, and reports it', async () => {
      const store = await make();
      const max = maxScore('weekly');
      const week: BoardKey = { board: 'points', window: 'weekly', period: '2026-W48' };
      expect(await store.apply({ updates: [update({ key: week, playerId: 'ann', value: max - 1, tie: 7 }), update({ key: week, playerId: 'ann', value: 5, tie: 8 })], nowMs: now() })).toEqual(['applied', 'clamped']);
      expect(await standings(store, { key: week })).toEqual([['ann', max, 8]]);
      // Already at the maximum: the score does not move, so neither does its time.
      expect(await store.apply({ updates: [update({ key: week, playerId: 'ann', value: 1, tie: 9 })], nowMs: now() })).toEqual(['clamped']);
      expect(await standings(store, { key: week })).toEqual([['ann', max, 8]]);
    });

    it('keeps the largest scores and times exact (53-bit encoding)', async () => {
      const store = await make();
      const windows: LeaderboardWindow[] = ['daily', 'weekly', 'seasonal', 'alltime'];
      for (const window of windows) {
        const key: BoardKey = { board: 'exact', window, period: window === 'alltime' ? 'alltime' : 'p1' };
        const topTie = 2 ** TIE_ENCODINGS[window].bits - 1;
        await store.apply({ updates: [update({ key, operator: 'set', playerId: 'max', value: maxScore(window), tie: topTie }), update({ key, operator: 'set', playerId: 'next', value: maxScore(window) - 1, tie: 0 })], nowMs: now() });
        expect(await standings(store, { key })).toEqual([['max', maxScore(window), topTie], ['next', maxScore(window) - 1, 0]]);
      }
    });

    it('pages with offset and limit and counts the whole board', async () => {
      const store = await make();
      await store.apply({ updates: Array.from({ length: 7 }, (_, i) => update({ playerId: `p${i}`, value: i * 10 })), nowMs: now() });
      const page = await store.range({ key: DAY, order: 'desc', offset: 2, limit: 3, nowMs: now() });
      expect(page.total).toBe(7);
      expect(page.entries.map((e) => e.playerId)).toEqual(['p4', 'p3', 'p2']);
      const asc = await store.range({ key: DAY, order: 'asc', offset: 5, limit: 10, nowMs: now() });
      expect(asc.entries.map((e) => e.playerId)).toEqual(['p5', 'p6']);
      expect(await store.range({ key: { ...DAY, period: '2020-01-01' }, order: 'desc', offset: 0, limit: 10, nowMs: now() })).toEqual({ total: 0, entries: [] });
    });

    it('finds a player with the ranks around them, clipped at the top; undefined when unranked', async () => {
      const store = await make();
      await store.apply({ updates: Array.from({ length: 10 }, (_, i) => update({ playerId: `p${i}`, value: 100 - i })), nowMs: now() });
      const mid = await store.around({ key: DAY, order: 'desc', playerId: 'p5', around: 2, nowMs: now() });
      expect(mid).toMatchObject({ rank: 5, total: 10, offset: 3 });
      expect(mid?.entries.map((e) => e.playerId)).toEqual(['p3', 'p4', 'p5', 'p6', 'p7']);
      const top = await store.around({ key: DAY, order: 'desc', playerId: 'p1', around: 3, nowMs: now() });
      expect(top).toMatchObject({ rank: 1, offset: 0 });
      expect(top?.entries.map((e) => e.playerId)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      const alone = await store.around({ key: DAY, order: 'asc', playerId: 'p9', around: 0, nowMs: now() });
      expect(alone).toMatchObject({ rank: 0, offset: 0 });
      expect(alone?.entries.map((e) => e.playerId)).toEqual(['p9']);
      expect(await store.around({ key: DAY, order: 'desc', playerId: 'nobody', around: 2, nowMs: now() })).toBeUndefined();
    });

    it('expires a board key at its instant, and a period closed with a past expiry is gone at once', async () => {
      const store = await make();
      await store.apply({ updates: [update({ playerId: 'ann', value: 1, expiry: { atMs: now() + 150 } })], nowMs: now() });
      expect(await standings(store)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await standings(store, { nowMs: now() })).toEqual([]);
      const old: BoardKey = { ...DAY, period: '2026-11-01' };
      await store.close({ key: old, expiry: { atMs: now() - 1000 }, nowMs: now() });
      expect(await store.apply({ updates: [update({ key: old, playerId: 'ann', value: 1, expiry: { atMs: now() - 1000 } })], nowMs: now() })).toEqual(['applied']);
      expect(await standings(store, { key: old })).toEqual([]);
    });

    it('reports outcomes in the order of the updates across board keys', async () => {
      const store = await make();
      const other: BoardKey = { board: 'xp', window: 'alltime', period: 'alltime' };
      await store.close({ key: other, expiry: undefined, nowMs: now() });
      const outcomes = await store.apply({ updates: [update({ playerId: 'a', value: 1 }), update({ key: other, playerId: 'a', value: 1, expiry: undefined }), update({ playerId: 'b', value: 2 })], nowMs: now() });
      expect(outcomes).toEqual(['applied', 'closed', 'applied']);
    });
  });
}
