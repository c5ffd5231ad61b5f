import { describe, expect, it } from 'vitest';
import type { Decision, FairnessRetention, FairnessStore, RecordedVerdict } from '../../src/core/fairness/ports.js';

/** 2026-11-25T08:00:00Z */
const T0 = Date.UTC(2026, 10, 25, 8);
export const CONTRACT_RETENTION: FairnessRetention = {
  historyLength: 3,
  populationLength: 4,
  eventWindowMs: 10_000,
  flagWindowMs: 60_000,
  verdictTtlMs: 3_600_000,
};

const PASS: RecordedVerdict = { verdict: { kind: 'pass' } };
const FLAG: RecordedVerdict = { verdict: { kind: 'flag', rule: 'anomaly', value: 9000, statistic: 12.5, threshold: 3.5 } };
const BLOCKING_FLAG: RecordedVerdict = { ...FLAG, sanction: { untilMs: T0 + 60_000, seconds: 60 } };

function decision(id: string, recorded: RecordedVerdict, value: number | undefined = 100, enqueuedAtMs = T0): Decision {
  return { eventId: id, type: 'boss_kill', value, enqueuedAtMs, recorded };
}

/** Each call of `make` must return a store with no state (fresh prefix or instance). */
export function fairnessStoreContract(name: string, make: () => Promise<FairnessStore> | FairnessStore): void {
  describe(`${name}: fairness store`, () => {
    it('starts empty', async () => {
      const store = await make();
      const state = await store.load({ playerId: 'p', eventIds: ['e1'], types: ['boss_kill'], nowMs: T0 });
      expect(state).toEqual({ recorded: new Map(), histories: { boss_kill: [] }, recentEventTimes: [], flagTimes: [], priorSanctions: 0, population: { boss_kill: [] } });
    });

    it('records passed values in the history and the population, trimmed to their length, and the flood window', async () => {
      const store = await make();
      await store.commit({ playerId: 'p', decisions: [decision('e1', PASS, 10, T0 - 500), decision('e2', PASS, 20, T0 - 400), decision('e3', PASS, 30, T0 - 300), decision('e4', PASS, 40, T0 - 200)], nowMs: T0 });
      const state = await store.load({ playerId: 'p', eventIds: ['e1', 'e9'], types: ['boss_kill'], nowMs: T0 });
      expect(state.histories.boss_kill).toEqual([20, 30, 40]);
      expect(state.population.boss_kill).toEqual([10, 20, 30, 40]);
      expect(state.recentEventTimes).toEqual([T0 - 500, T0 - 400, T0 - 300, T0 - 200]);
      expect(state.recorded).toEqual(new Map([['e1', PASS]]));
    });

    it('keeps the first verdict of an eventId and counts a redelivery nowhere', async () => {
      const store = await make();
      await store.commit({ playerId: 'p', decisions: [decision('e1', PASS, 10)], nowMs: T0 });
      const again = await store.commit({ playerId: 'p', decisions: [decision('e1', FLAG, 9000)], nowMs: T0 + 1 });
      expect(again.get('e1')).toEqual(PASS);
      const state = await store.load({ playerId: 'p', eventIds: [], types: ['boss_kill'], nowMs: T0 + 2 });
      expect(state.histories.boss_kill).toEqual([10]);
      expect(state.population.boss_kill).toEqual([10]);
      expect(state.recentEventTimes).toHaveLength(1);
      expect(state.flagTimes).toEqual([]);
    });

    it('returns the body digest recorded with a verdict, so a reused eventId can be told from a redelivery', async () => {
      const store = await make();
      const hashed: RecordedVerdict = { ...PASS, bodyHash: 'ab'.repeat(32) };
      await store.commit({ playerId: 'p', decisions: [decision('e1', hashed, 10)], nowMs: T0 });
      const state = await store.load({ playerId: 'p', eventIds: ['e1'], types: [], nowMs: T0 + 1 });
      expect(state.recorded.get('e1')).toEqual(hashed);
    });

    it('keeps flags in their window; a blocking flag counts a sanction and clears the window', async () => {
      const store = await make();
      await store.commit({ playerId: 'p', decisions: [decision('e1', FLAG, 9000)], nowMs: T0 });
      expect((await store.load({ playerId: 'p', eventIds: [], types: [], nowMs: T0 })).flagTimes).toEqual([T0]);
      expect((await store.load({ playerId: 'p', eventIds: [], types: [], nowMs: T0 + 60_000 })).flagTimes).toEqual([]);
      await store.commit({ playerId: 'p', decisions: [decision('e2', BLOCKING_FLAG, 9000)], nowMs: T0 + 1 });
      const state = await store.load({ playerId: 'p', eventIds: ['e2'], types: ['boss_kill'], nowMs: T0 + 2 });
      expect(state.flagTimes).toEqual([]);
      expect(state.priorSanctions).toBe(1);
      expect(state.recorded.get('e2')).toEqual(BLOCKING_FLAG);
      expect(state.histories.boss_kill).toEqual([]);
    });

    it('keeps players apart and forgets events outside the flood window', async () => {
      const store = await make();
      await store.commit({ playerId: 'a', decisions: [decision('e1', PASS, 5, T0)], nowMs: T0 });
      expect((await store.load({ playerId: 'b', eventIds: ['e1'], types: ['boss_kill'], nowMs: T0 })).recorded.size).toBe(0);
      expect((await store.load({ playerId: 'a', eventIds: [], types: [], nowMs: T0 + 10_000 })).recentEventTimes).toEqual([]);
    });
  });
}
