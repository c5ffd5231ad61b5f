import { describe, expect, it } from 'vitest';
import { LiveOpsError, type SendBatchResult, type SendEventResult } from '../../../src/client/index.js';
import type { GameEvent } from '../../../src/core/ingestion/envelope.js';
import { drive, type DriveOptions } from '../../../src/tools/simulation/driver.js';
import { buildPopulation, generateTraffic, type ScheduledEvent } from '../../../src/tools/simulation/model.js';
import { formatFinal, formatLive, LatencyHistogram, RunStats } from '../../../src/tools/simulation/stats.js';

const START_MS = Date.UTC(2026, 10, 25, 8, 0, 0);

function traffic(count = 40): ScheduledEvent[] {
  const population = buildPopulation({ seed: 1, players: 30, rate: 30, cheaterShare: 0.2, durationS: 30, startMs: START_MS, runId: 'drv' });
  return [...generateTraffic(population)].slice(0, count);
}

/** A fake client that answers by a rule and records concurrency. */
function fakeClient(answer: (event: GameEvent) => 'accepted' | 'duplicate' | number | 'network') {
  let inFlight = 0;
  let peak = 0;
  const batches: number[] = [];
  const settle = async <T>(work: () => T): Promise<T> => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    return work();
  };
  const fail = (outcome: number | 'network', event: GameEvent): LiveOpsError =>
    new LiveOpsError({ method: 'POST', path: '/api/events', attempts: 1, ...(outcome === 'network' ? { reason: 'network error' } : { status: outcome, problem: { type: `urn:test:${outcome}`, status: outcome, detail: event.playerId } }) });
  const client: DriveOptions['client'] = {
    sendEvent: (event) =>
      settle((): SendEventResult => {
        const outcome = answer(event);
        if (outcome === 'accepted' || outcome === 'duplicate') return { eventId: event.eventId, status: outcome, replayed: false };
        throw fail(outcome, event);
      }),
    sendBatch: (events) =>
      settle((): SendBatchResult => {
        batches.push(events.length);
        return {
          replayed: false,
          results: events.map((event) => {
            const outcome = answer(event);
            if (outcome === 'accepted' || outcome === 'duplicate') return { eventId: event.eventId, status: outcome };
            return { eventId: event.eventId, status: 'rejected', problem: { type: 'urn:test', status: outcome === 'network' ? 500 : outcome } };
          }),
        };
      }),
  };
  return { client, peak: () => peak, batches };
}

function options(client: DriveOptions['client'], overrides: Partial<DriveOptions> = {}): DriveOptions {
  // Every event is already due: the driver sends at once and the test does not wait for the schedule.
  return { client, traffic: traffic(), startMs: Date.now() - 60_000, batchSize: 0, concurrency: 8, stats: new RunStats(), signal: new AbortController().signal, ...overrides };
}

describe('simulation driver', () => {
  it('sends every event once and counts each outcome by status and label', async () => {
    const events = traffic();
    let i = 0;
    const rule = ['accepted', 'duplicate', 429, 403, 400, 503, 'network'] as const;
    const fake = fakeClient(() => rule[i++ % rule.length]!);
    const stats = new RunStats();
    await drive(options(fake.client, { traffic: events, stats }));
    const t = stats.total;
    expect(t.sent).toBe(events.length);
    expect(t.accepted + t.duplicate + t.rateLimited + t.serverErrors + t.network + [...t.clientErrors.values()].reduce((a, b) => a + b, 0)).toBe(events.length);
    expect(t.rateLimited).toBeGreaterThan(0);
    expect(t.clientErrors.get(403)).toBeGreaterThan(0);
    expect(t.clientErrors.has(429)).toBe(false);
    expect(t.network).toBeGreaterThan(0);
    expect(t.latency.count).toBe(events.length - t.network);
    const labelled = [...stats.byLabel.values()].reduce((sum, c) => sum + c.sent, 0);
    expect(labelled).toBe(events.length);
    expect(stats.firstRefusal).toContain('429');
    expect(stats.firstError).toContain('network error');
    expect(stats.inFlight).toBe(0);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const fake = fakeClient(() => 'accepted');
    await drive(options(fake.client, { concurrency: 3 }));
    expect(fake.peak()).toBeLessThanOrEqual(3);
  });

  it('batch mode sends batches of at most N and counts per event', async () => {
    const fake = fakeClient((e) => (e.type === 'drop_claimed' ? 400 : 'accepted'));
    const stats = new RunStats();
    await drive(options(fake.client, { batchSize: 7, stats }));
    expect(Math.max(...fake.batches)).toBeLessThanOrEqual(7);
    expect(fake.batches.reduce((a, b) => a + b, 0)).toBe(40);
    expect(stats.total.accepted + (stats.total.clientErrors.get(400) ?? 0)).toBe(40);
    expect(stats.total.latency.count).toBe(fake.batches.length);
  });

  it('stops sending when aborted, and waits for what is in flight', async () => {
    const controller = new AbortController();
    controller.abort();
    const fake = fakeClient(() => 'accepted');
    const stats = new RunStats();
    await drive(options(fake.client, { signal: controller.signal, stats }));
    expect(stats.total.sent).toBe(0);
  });

  it('keeps to the schedule: nothing is sent before it is due', async () => {
    const fake = fakeClient(() => 'accepted');
    const stats = new RunStats();
    const controller = new AbortController();
    const future = traffic().map((e) => ({ ...e, atMs: e.atMs + 60_000 }));
    const run = drive(options(fake.client, { traffic: future, startMs: Date.now(), stats, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await run;
    expect(stats.total.sent).toBe(0);
  });
});

describe('run statistics', () => {
  it('latency percentiles are within one 5% bucket of the truth', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms += 1) h.record(ms);
    expect(h.count).toBe(1000);
    expect(h.percentile(50)).toBeGreaterThanOrEqual(500);
    expect(h.percentile(50)).toBeLessThanOrEqual(525);
    expect(h.percentile(99)).toBeGreaterThanOrEqual(990);
    expect(h.percentile(99)).toBeLessThanOrEqual(1000);
    expect(h.percentile(100)).toBe(1000);
    expect(new LatencyHistogram().percentile(50)).toBeUndefined();
  });

  it('formats the live line and the final summary', () => {
    const stats = new RunStats();
    stats.sent('honest', 3);
    stats.outcome('honest', 'accepted');
    stats.outcome('honest', 403);
    stats.outcome('honest', 429);
    stats.latency(4.2);
    const live = formatLive({ elapsedS: 3, intervalS: 1, total: stats.total, interval: stats.takeInterval(), inFlight: 2 });
    expect(live).toBe('[   3s] sent 3 accepted 1 dup 0 4xx 403:1 429 1 5xx 0 | 3.0/s p50 4.20ms p99 4.20ms in-flight 2');
    const final = formatFinal({ elapsedS: 3, stats, players: { honest: 10, spike: 0, flood: 0, ramp: 0, newbie: 0 } });
    expect(final[0]).toBe('done in 3.0 s: sent 3 events in 1 requests, 1.0/s');
    expect(final.find((l) => l.trim().startsWith('honest'))).toMatch(/honest\s+10\s+3\s+1\s+1\s+1\s+0/);
    expect(final.some((l) => l.includes('spike'))).toBe(false);
  });
});
