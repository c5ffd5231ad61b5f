import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_MAX } from '../../../src/core/config/settings-payload.js';
import { envelopeSchema, eventValue, validateEvent } from '../../../src/core/ingestion/envelope.js';
import { buildPopulation, CHEATER_KINDS, countLabels, generateTraffic, type ScheduledEvent, type TrafficOptions } from '../../../src/tools/simulation/model.js';
import { Rng } from '../../../src/tools/simulation/prng.js';

const START_MS = Date.UTC(2026, 10, 25, 8, 0, 0);
const OPTIONS: TrafficOptions = { seed: 42, players: 1000, rate: 500, cheaterShare: 0.02, durationS: 60, startMs: START_MS };

function run(options: Partial<TrafficOptions> = {}) {
  const population = buildPopulation({ ...OPTIONS, ...options });
  return { population, events: [...generateTraffic(population)] };
}

/** Most events one player sent within any one-second window (sliding). */
function peakPerSecond(events: readonly ScheduledEvent[]): number {
  let peak = 0;
  for (let lo = 0, hi = 0; hi < events.length; hi += 1) {
    while ((events[hi]?.atMs ?? 0) - (events[lo]?.atMs ?? 0) >= 1000) lo += 1;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

function byPlayer(events: readonly ScheduledEvent[]): Map<string, ScheduledEvent[]> {
  const map = new Map<string, ScheduledEvent[]>();
  for (const e of events) map.set(e.event.playerId, [...(map.get(e.event.playerId) ?? []), e]);
  return map;
}

describe('traffic model', () => {
  const { population, events } = run();

  it('is deterministic for a seed: same players, labels and events, ids included', () => {
    const again = run();
    expect(again.population.players).toEqual(population.players);
    expect([...again.population.labels]).toEqual([...population.labels]);
    expect(again.events).toEqual(events);
  });

  it('a different seed gives different traffic', () => {
    const other = run({ seed: 43 });
    expect([...other.population.labels]).not.toEqual([...population.labels]);
    expect(other.events.slice(0, 50)).not.toEqual(events.slice(0, 50));
  });

  it('the run id changes ids only, never behaviour', () => {
    const a = run({ players: 50, rate: 30, runId: 'alpha' }).events;
    const b = run({ players: 50, rate: 30, runId: 'beta' }).events;
    const shape = (e: ScheduledEvent) => ({ atMs: e.atMs, type: e.event.type, label: e.label, value: eventValue(e.event) });
    expect(b.map(shape)).toEqual(a.map(shape));
    expect(new Set([...a, ...b].map((e) => e.event.eventId)).size).toBe(a.length + b.length);
    expect(a[0]?.event.playerId.startsWith('alpha-')).toBe(true);
  });

  it('has exactly the requested cheater share, with the kinds in equal parts', () => {
    expect(countLabels(population)).toEqual({ honest: 980, spike: 5, flood: 5, ramp: 5, newbie: 5 });
    expect(population.labels.size).toBe(1000);
    expect(countLabels(buildPopulation({ ...OPTIONS, players: 333, cheaterShare: 0.1 }))).toMatchObject({ honest: 300 });
    expect(countLabels(buildPopulation({ ...OPTIONS, cheaterShare: 0 })).honest).toBe(1000);
    expect(countLabels(buildPopulation({ ...OPTIONS, players: 8, cheaterShare: 1 }))).toEqual({ honest: 0, spike: 2, flood: 2, ramp: 2, newbie: 2 });
  });

  it('labels every player, and every event carries its player’s label', () => {
    expect(events.filter((e) => e.label !== population.labels.get(e.event.playerId))).toEqual([]);
    expect(new Set(population.labels.values())).toEqual(new Set(['honest', ...CHEATER_KINDS]));
  });

  it('produces valid envelopes the gateway schema accepts, with unique ids', () => {
    const schema = envelopeSchema({ payloadMax: DEFAULT_PAYLOAD_MAX });
    const nowMs = START_MS + OPTIONS.durationS * 1000;
    const invalid = events
      .map((e) => validateEvent({ schema, input: e.event, nowMs, maxAgeS: 86_400, currentSeason: 1 }))
      .filter((r) => !r.ok);
    expect(invalid).toEqual([]);
    expect(new Set(events.map((e) => e.event.eventId)).size).toBe(events.length);
  });

  it('is ordered by time, ts = start + atMs, all within the run', () => {
    // One assertion over the whole run rather than 30 000 (vitest's expect is slow in bulk).
    const misordered = events.filter((e, i) => i > 0 && e.atMs < events[i - 1]!.atMs);
    const misplaced = events.filter((e) => e.event.ts !== START_MS + e.atMs || e.atMs < 0 || e.atMs > OPTIONS.durationS * 1000);
    expect({ misordered, misplaced }).toEqual({ misordered: [], misplaced: [] });
  });

  it('comes close to the requested rate when there are players enough', () => {
    const rate = events.length / OPTIONS.durationS;
    expect(population.expectedRate).toBeGreaterThan(0.85 * OPTIONS.rate);
    expect(rate).toBeGreaterThan(0.8 * OPTIONS.rate);
    expect(rate).toBeLessThan(1.2 * OPTIONS.rate);
  });

  it('says so when the players are too few for the rate, instead of making them superhuman', () => {
    const few = run({ players: 10, rate: 500 });
    expect(few.population.expectedRate).toBeLessThan(20);
    expect(Math.max(...[...byPlayer(few.events).values()].map(peakPerSecond))).toBeLessThanOrEqual(10);
  });

  it('honest players never exceed 10 events in any second; flooders go well above it', () => {
    const long = run({ players: 200, rate: 100, durationS: 300, cheaterShare: 0.1 });
    const peaks = [...byPlayer(long.events)].map(([playerId, list]) => ({ label: long.population.labels.get(playerId), peak: peakPerSecond(list) }));
    const honestPeak = Math.max(...peaks.filter((p) => p.label !== 'flood').map((p) => p.peak));
    expect(honestPeak).toBeLessThanOrEqual(10);
    const floodPeaks = peaks.filter((p) => p.label === 'flood').map((p) => p.peak);
    expect(floodPeaks).toHaveLength(5);
    for (const peak of floodPeaks) expect(peak).toBeGreaterThanOrEqual(20);
    expect(long.events.some((e) => e.flood && e.label === 'flood')).toBe(true);
    expect(long.events.every((e) => !e.flood || e.label === 'flood')).toBe(true);
  });

  it('cheaters inflate values as labelled: spikes ×10, ramps growing, newbies boosted from their first event', () => {
    const long = run({ players: 200, rate: 100, durationS: 300, cheaterShare: 0.2 });
    const valued = long.events.filter((e) => e.event.type !== 'drop_claimed');
    const honest = valued.filter((e) => e.label === 'honest');
    expect(honest.every((e) => e.inflation === 1)).toBe(true);
    const spikes = valued.filter((e) => e.label === 'spike');
    expect(new Set(spikes.map((e) => e.inflation))).toEqual(new Set([1, 10]));
    const spiked = spikes.filter((e) => e.inflation === 10).length / spikes.length;
    expect(spiked).toBeGreaterThan(0.1);
    expect(spiked).toBeLessThan(0.3);
    for (const list of byPlayer(valued.filter((e) => e.label === 'ramp')).values()) {
      const factors = list.map((e) => e.inflation);
      expect(factors).toEqual([...factors].sort((a, b) => a - b));
      expect(factors.at(-1)! - factors[0]!).toBeGreaterThan(1);
    }
    const newbies = long.population.players.filter((p) => p.label === 'newbie');
    for (const p of newbies) expect(p.joinAtMs).toBeGreaterThan(0);
    for (const e of valued.filter((v) => v.label === 'newbie')) expect(e.inflation).toBeGreaterThanOrEqual(6);
  });

  it('honest values vary naturally: right-skewed and widely spread, skills differ', () => {
    const points = events.filter((e) => e.label === 'honest' && e.event.type === 'boss_kill').map((e) => eventValue(e.event) ?? 0);
    const sorted = [...points].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const mean = points.reduce((s, v) => s + v, 0) / points.length;
    expect(mean).toBeGreaterThan(median);
    const quantile = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
    expect(quantile(0.9) / quantile(0.1)).toBeGreaterThan(3);
    const skills = population.players.map((p) => p.skill);
    expect(Math.max(...skills) / Math.min(...skills)).toBeGreaterThan(5);
  });

  it('rejects impossible options with a clear message', () => {
    expect(() => buildPopulation({ ...OPTIONS, cheaterShare: 1.5 })).toThrow(/cheaterShare/);
    expect(() => buildPopulation({ ...OPTIONS, players: 0 })).toThrow(/players/);
    expect(() => buildPopulation({ ...OPTIONS, runId: 'has space' })).toThrow(/runId/);
  });
});

describe('Rng', () => {
  it('equal seeds give equal streams, different seeds different ones', () => {
    const draw = (...seed: (string | number)[]) => {
      const rng = new Rng(...seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw('a', 1)).toEqual(draw('a', 1));
    expect(draw('a', 1)).not.toEqual(draw('a', 2));
  });

  it('draws are uniform enough: mean ≈ 0.5, normal mean ≈ 0 and sd ≈ 1', () => {
    const rng = new Rng(7);
    const n = 20_000;
    const uniform = Array.from({ length: n }, () => rng.next());
    expect(uniform.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(Math.abs(uniform.reduce((s, u) => s + u, 0) / n - 0.5)).toBeLessThan(0.01);
    const normal = Array.from({ length: n }, () => rng.normal());
    const mean = normal.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(normal.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});
