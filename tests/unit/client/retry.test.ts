import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterDelayMs, parseRetryAfterMs } from '../../../src/client/index.js';

describe('fullJitterDelayMs', () => {
  it('stays in [0, min(cap, base·2^attempt)) for any attempt and any draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, baseMs, capMs, draw) => {
          const delay = fullJitterDelayMs({ attempt, baseMs, capMs, random: () => draw });
          const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it('grows exponentially until the cap, then stays capped', () => {
    const top = (attempt: number) => fullJitterDelayMs({ attempt, baseMs: 100, capMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 10].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('is fully jittered: the whole range is used, from zero up', () => {
    const draws = [0, 0.25, 0.5, 0.75];
    expect(draws.map((d) => fullJitterDelayMs({ attempt: 2, baseMs: 100, capMs: 10_000, random: () => d }))).toEqual([0, 100, 200, 300]);
  });

  it('tolerates an injected random that returns out-of-range values', () => {
    expect(fullJitterDelayMs({ attempt: 0, baseMs: 100, capMs: 1000, random: () => 1 })).toBe(99);
    expect(fullJitterDelayMs({ attempt: 0, baseMs: 100, capMs: 1000, random: () => -3 })).toBe(0);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2026, 10, 25, 8, 0, 0);
  it.each<[string | null, number | undefined]>([
    ['3', 3000],
    [' 0 ', 0],
    [new Date(now + 5000).toUTCString(), 5000],
    [new Date(now - 5000).toUTCString(), 0],
    [null, undefined],
    ['soon', undefined],
    ['-1', undefined],
    ['1.5', undefined],
  ])('%s → %s', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});
