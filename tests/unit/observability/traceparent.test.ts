import { describe, expect, it } from 'vitest';
import { isValidTraceparent, newTraceparent, traceparentFrom } from '../../../src/core/tracing/traceparent.js';

describe('traceparent', () => {
  it('starts traces with valid, distinct ids', () => {
    const made = Array.from({ length: 1000 }, () => newTraceparent());
    for (const value of made) {
      expect(value).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(isValidTraceparent(value)).toBe(true);
    }
    expect(new Set(made.map((v) => v.slice(3, 35))).size).toBe(1000);
    expect(new Set(made.map((v) => v.slice(36, 52))).size).toBe(1000);
  });

  it("keeps a caller's valid header and replaces a missing or invalid one", () => {
    const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(traceparentFrom(caller)).toBe(caller);
    for (const bad of [null, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      const replaced = traceparentFrom(bad);
      expect(replaced).not.toBe(bad);
      expect(isValidTraceparent(replaced)).toBe(true);
    }
  });
});
