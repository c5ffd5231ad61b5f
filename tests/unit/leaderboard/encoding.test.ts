import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeaderboardWindow } from '../../../src/core/config/types.js';
import { applyOperator, decodeScore, encodeScore, maxScore, TIE_ENCODINGS, TIE_EPOCH_MS, tieUnits, type Order } from '../../../src/core/leaderboard/encoding.js';

const WINDOWS: readonly LeaderboardWindow[] = ['daily', 'weekly', 'seasonal', 'alltime'];

describe('score and tie encoding', () => {
  it('documents its ranges: 53 bits split between score and time', () => {
    expect(Object.fromEntries(WINDOWS.map((w) => [w, maxScore(w)]))).toEqual({
      daily: 68_719_476_735, // 2^36 − 1
      weekly: 8_589_934_591, // 2^33 − 1
      seasonal: 17_179_869_183, // 2^34 − 1
      alltime: 17_179_869_183,
    });
    for (const w of WINDOWS) expect(maxScore(w) * 2 ** TIE_ENCODINGS[w].bits + 2 ** TIE_ENCODINGS[w].bits - 1).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('round-trips every score and time in range exactly, on both orders', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WINDOWS), fc.constantFrom<Order>('desc', 'asc'), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (window, order, s, t) => {
        const bits = TIE_ENCODINGS[window].bits;
        const score = Math.floor(s * maxScore(window));
        const tie = Math.floor(t * (2 ** bits - 1));
        const encoded = encodeScore({ score, tie, bits, order });
        expect(Number.isSafeInteger(encoded)).toBe(true);
        expect(decodeScore({ encoded, bits, order })).toEqual({ score, tie });
      }),
    );
  });

  it('orders by score first, then earlier time first (desc: larger encoded ranks higher; asc: smaller)', () => {
    const bits = TIE_ENCODINGS.daily.bits;
    const desc = (score: number, tie: number): number => encodeScore({ score, tie, bits, order: 'desc' });
    expect(desc(101, 90_000)).toBeGreaterThan(desc(100, 0));
    expect(desc(100, 10)).toBeGreaterThan(desc(100, 11));
    const asc = (score: number, tie: number): number => encodeScore({ score, tie, bits, order: 'asc' });
    expect(asc(99, 90_000)).toBeLessThan(asc(100, 0));
    expect(asc(100, 10)).toBeLessThan(asc(100, 11));
  });

  it('counts daily and weekly time in seconds from the period start, seasons in hours since 2025', () => {
    // 2026-11-25 00:00:07 UTC, seven seconds into the day.
    const dayStart = Date.UTC(2026, 10, 25);
    expect(tieUnits({ window: 'daily', atMs: dayStart + 7_999, periodStartMs: dayStart })).toBe(7);
    expect(tieUnits({ window: 'daily', atMs: dayStart - 5, periodStartMs: dayStart })).toBe(0);
    // 2026-11-25 00:00 UTC is 16 176 hours after 2025-01-01 00:00 UTC.
    expect(tieUnits({ window: 'seasonal', atMs: dayStart })).toBe((dayStart - TIE_EPOCH_MS) / 3_600_000);
    expect(tieUnits({ window: 'alltime', atMs: Date.UTC(2200, 0, 1) })).toBe(2 ** 19 - 1);
  });
});

describe('operators', () => {
  const base = { order: 'desc' as const, max: 1000 };

  it('incr adds and takes the later time; a zero increment changes nothing', () => {
    expect(applyOperator({ ...base, existing: { score: 10, tie: 50 }, operator: 'incr', value: 5, tie: 40 })).toEqual({ score: 15, tie: 50, clamped: false });
    expect(applyOperator({ ...base, existing: { score: 10, tie: 50 }, operator: 'incr', value: 5, tie: 60 })).toEqual({ score: 15, tie: 60, clamped: false });
    expect(applyOperator({ ...base, existing: { score: 10, tie: 50 }, operator: 'incr', value: 0, tie: 60 })).toEqual({ score: 10, tie: 50, clamped: false });
    expect(applyOperator({ ...base, existing: undefined, operator: 'incr', value: 0, tie: 60 })).toEqual({ score: 0, tie: 60, clamped: false });
  });

  it('best keeps the better score and its first time, by the board order', () => {
    expect(applyOperator({ ...base, existing: { score: 10, tie: 5 }, operator: 'best', value: 9, tie: 6 })).toEqual({ score: 10, tie: 5, clamped: false });
    expect(applyOperator({ ...base, existing: { score: 10, tie: 5 }, operator: 'best', value: 10, tie: 6 })).toEqual({ score: 10, tie: 5, clamped: false });
    expect(applyOperator({ ...base, existing: { score: 10, tie: 5 }, operator: 'best', value: 11, tie: 6 })).toEqual({ score: 11, tie: 6, clamped: false });
    expect(applyOperator({ ...base, order: 'asc', existing: { score: 10, tie: 5 }, operator: 'best', value: 9, tie: 6 })).toEqual({ score: 9, tie: 6, clamped: false });
    expect(applyOperator({ ...base, order: 'asc', existing: { score: 10, tie: 5 }, operator: 'best', value: 11, tie: 6 })).toEqual({ score: 10, tie: 5, clamped: false });
  });

  it('set replaces, even with a worse score', () => {
    expect(applyOperator({ ...base, existing: { score: 10, tie: 5 }, operator: 'set', value: 3, tie: 6 })).toEqual({ score: 3, tie: 6, clamped: false });
  });

  it('clamps at the maximum and says so', () => {
    expect(applyOperator({ ...base, existing: { score: 990, tie: 5 }, operator: 'incr', value: 20, tie: 6 })).toEqual({ score: 1000, tie: 6, clamped: true });
    expect(applyOperator({ ...base, existing: undefined, operator: 'set', value: 5000, tie: 6 })).toEqual({ score: 1000, tie: 6, clamped: true });
    expect(applyOperator({ ...base, existing: { score: 1000, tie: 5 }, operator: 'incr', value: 1, tie: 6 })).toEqual({ score: 1000, tie: 5, clamped: true });
  });
});
