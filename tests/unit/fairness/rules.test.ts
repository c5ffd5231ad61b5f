import { describe, expect, it } from 'vitest';
import { DEFAULT_FAIRNESS_CAPS } from '../../../src/core/config/settings-payload.js';
import type { AcceptedEvent } from '../../../src/core/ingestion/envelope.js';
import { mad, median, modifiedZScore } from '../../../src/core/fairness/statistics.js';
import { historyKey, judge, sanctionFor, type FairnessParams } from '../../../src/core/fairness/verdict.js';

const PARAMS: FairnessParams = { floodMaxPerSec: 10, anomalyZ: 3.5, anomalyMinFactor: 3, history: 50, minHistory: 10, caps: DEFAULT_FAIRNESS_CAPS };
/** 2026-11-25T08:00:00Z */
const NOW = Date.UTC(2026, 10, 25, 8);

function bossKill(points: number): AcceptedEvent {
  return { eventId: '7d0c2a4e-5f1b-4c2e-9a57-2f0e6b1c9d3a', type: 'boss_kill', playerId: 'p1', ts: NOW, season: 1, payload: { bossId: 'dragon', tier: 3, points } };
}

const honest = [1400, 1520, 1480, 1610, 1390, 1550, 1500, 1470, 1530, 1600, 1450, 1490];

describe('robust statistics', () => {
  it('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
  });

  it('modified z-score: a ×10 spike is far out, ordinary variance is not', () => {
    expect(modifiedZScore(15_000, honest, 1)).toBeGreaterThan(100);
    expect(modifiedZScore(1650, honest, 1)).toBeLessThan(3.5);
  });

  it('falls back sanely when MAD is 0 (most values equal), never below the spread floor', () => {
    const flat = Array.from({ length: 20 }, () => 1500);
    expect(Number.isFinite(modifiedZScore(1501, flat, 75))).toBe(true);
    expect(modifiedZScore(1501, flat, 75)).toBeLessThan(3.5);
    expect(modifiedZScore(15_000, flat, 75)).toBeGreaterThan(3.5);
    const mostlyFlat = [...flat, 1600, 1700];
    expect(modifiedZScore(1550, mostlyFlat, 75)).toBeLessThan(3.5);
  });
});

describe('judge', () => {
  it('drops the event that makes more than FLOOD_MAX_PER_SEC in one second', () => {
    expect(judge(bossKill(1500), { history: honest, eventsLastSecond: 9, population: [] }, PARAMS)).toEqual({ kind: 'pass' });
    expect(judge(bossKill(1500), { history: honest, eventsLastSecond: 10, population: [] }, PARAMS)).toEqual({ kind: 'drop', reason: 'flood', value: 11, threshold: 10 });
  });

  it('flags a value above its hard cap whatever the history says', () => {
    expect(judge(bossKill(100_001), { history: [], eventsLastSecond: 0, population: [] }, PARAMS)).toMatchObject({ kind: 'flag', rule: 'cap', threshold: 100_000 });
  });

  it('flags a spike against the player\'s own history, with the statistic and threshold', () => {
    const verdict = judge(bossKill(15_000), { history: honest, eventsLastSecond: 0, population: [] }, PARAMS);
    expect(verdict).toMatchObject({ kind: 'flag', rule: 'anomaly', value: 15_000, threshold: 3.5 });
    expect(verdict.kind === 'flag' && verdict.statistic > 3.5).toBe(true);
  });

  it('judges a new player against the population, with a higher bar, once the sample is large', () => {
    const population = Array.from({ length: 100 }, (_, i) => honest[i % honest.length] ?? 1500);
    const newbie = { history: [1500], eventsLastSecond: 0, population };
    expect(judge(bossKill(15_000), newbie, PARAMS)).toMatchObject({ kind: 'flag', rule: 'anomaly-population', threshold: 5 });
    expect(judge(bossKill(1500), newbie, PARAMS)).toEqual({ kind: 'pass' });
    // Ten values of a cold start are not yet "the population".
    expect(judge(bossKill(15_000), { history: [], eventsLastSecond: 0, population: honest }, PARAMS)).toEqual({ kind: 'pass' });
  });

  it('needs the value to be ANOMALY_MIN_FACTOR times the usual one, not only a high z', () => {
    // A very steady player: 2 200 is far out in z, but not three times the usual 1 500.
    const steady = Array.from({ length: 20 }, (_, i) => 1490 + (i % 3) * 10);
    expect(judge(bossKill(2_200), { history: steady, eventsLastSecond: 0, population: [] }, PARAMS)).toEqual({ kind: 'pass' });
    expect(judge(bossKill(4_600), { history: steady, eventsLastSecond: 0, population: [] }, PARAMS)).toMatchObject({ kind: 'flag', rule: 'anomaly' });
  });

  it('compares boss kills per tier', () => {
    expect(historyKey(bossKill(1500))).toBe('boss_kill:t3');
    expect(historyKey({ ...bossKill(1), type: 'progression', payload: { deltaXp: 5, activity: 'quest' } })).toBe('progression');
  });

  it('never flags a low value (a bad match is not cheating)', () => {
    expect(judge(bossKill(0), { history: honest, eventsLastSecond: 0, population: [] }, PARAMS)).toEqual({ kind: 'pass' });
  });

  it('passes drops (no numeric value) unless they flood', () => {
    const drop: AcceptedEvent = { eventId: '7d0c2a4e-5f1b-4c2e-9a57-2f0e6b1c9d3b', type: 'drop_claimed', playerId: 'p1', ts: NOW, season: 1, payload: { dropId: 'd', weight: 0.5, source: 'chest' } };
    expect(judge(drop, { history: [], eventsLastSecond: 0, population: [] }, PARAMS)).toEqual({ kind: 'pass' });
  });
});

describe('sanctionFor', () => {
  const policy = { flagThreshold: 3, flagWindowS: 3600, blockSec: 60, maxBlockSec: 600 };
  it('blocks at the threshold, doubling for repeat offenders up to the maximum', () => {
    expect(sanctionFor({ flagsInWindow: 2, priorSanctions: 0, nowMs: NOW, policy })).toBeUndefined();
    expect(sanctionFor({ flagsInWindow: 3, priorSanctions: 0, nowMs: NOW, policy })).toEqual({ untilMs: NOW + 60_000, seconds: 60 });
    expect(sanctionFor({ flagsInWindow: 3, priorSanctions: 2, nowMs: NOW, policy })).toEqual({ untilMs: NOW + 240_000, seconds: 240 });
    expect(sanctionFor({ flagsInWindow: 5, priorSanctions: 40, nowMs: NOW, policy })?.seconds).toBe(600);
  });
});
