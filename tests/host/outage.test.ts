/**
 * Long outages under the host (issue #15, item 4): with the clock pinned and sleeps advancing it,
 * a 10-minute outage of MySQL (progression) or Redis (fairness state) ends with every good event
 * applied exactly once, nothing dead-lettered, and each player's events judged in send order.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/app-context.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import type { FairnessStore } from '../../src/core/fairness/ports.js';
import type { Progression } from '../../src/core/progression/progression.js';
import { testApp } from '../support/app.js';
import { NOW_MS } from '../support/gateway.js';
import { bossKill, startHarness, xpGain, type Harness } from './harness.js';

const OUTAGE_MS = 10 * 60_000;

let t = NOW_MS;
const outage = { mysqlUntil: 0, redisUntil: 0, bugFor: '' };
/** Runs once, inside the first failed fairness call, while that batch's session is held. */
let duringFirstRedisFailure: (() => Promise<void>) | undefined;
/** Event ids in the order fairness committed verdicts for them, per player. */
const judged = new Map<string, string[]>();

// Sleeping advances the pinned clock; the yield lets the host's other work (HTTP) interleave.
const { app: base } = testApp({
  now: () => t,
  sleep: async (ms) => {
    t += ms;
    await new Promise((resolve) => setImmediate(resolve));
  },
});

/** Calls through to `target`, with `override` in front: keeps private fields working. */
function intercept<T extends object>(target: T, override: Partial<T>): T {
  return new Proxy(target, {
    get(object, key) {
      if (Object.prototype.hasOwnProperty.call(override, key)) return override[key as keyof T];
      const value: unknown = Reflect.get(object, key, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

function faultyApp(app: AppContext): AppContext {
  const progression = intercept<Progression>(app.progression, {
    apply: async (events) => {
      if (t < outage.mysqlUntil) throw new DependencyUnavailableError({ dependency: 'mysql' });
      if (events.some((e) => e.playerId === outage.bugFor)) throw new TypeError('a bug, not an outage');
      return app.progression.apply(events);
    },
  });
  const store = intercept<FairnessStore>(app.fairness.store, {
    load: async (options) => {
      if (t < outage.redisUntil) {
        const hook = duringFirstRedisFailure;
        duringFirstRedisFailure = undefined;
        if (hook !== undefined) await hook();
        throw new DependencyUnavailableError({ dependency: 'redis' });
      }
      return app.fairness.store.load(options);
    },
    commit: async (options) => {
      const recorded = await app.fairness.store.commit(options);
      const list = judged.get(options.playerId) ?? [];
      list.push(...options.decisions.map((d) => d.eventId));
      judged.set(options.playerId, list);
      return recorded;
    },
  });
  return { ...app, progression, grants: progression, fairness: { store, audit: app.fairness.audit }, close: () => app.close() };
}

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(faultyApp(base));
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => {
  outage.mysqlUntil = 0;
  outage.redisUntil = 0;
  outage.bugFor = '';
});

async function post(body: Record<string, unknown>): Promise<void> {
  const response = await harness.postEvent(body);
  expect(response.status).toBe(202);
}

async function progressOf(playerId: string): Promise<Record<string, unknown>> {
  const response = await harness.host.http('getProgress', { method: 'GET', path: `/api/players/${playerId}/progress`, params: { playerId } });
  return (await response.json()) as Record<string, unknown>;
}

describe('a 10-minute outage under the host', () => {
  it('MySQL: progression holds its sessions and applies every event once when MySQL is back', async () => {
    const started = t;
    outage.mysqlUntil = t + OUTAGE_MS;
    const players = [`p-${randomUUID()}`, `p-${randomUUID()}`];
    const response = await harness.postEvents(players.flatMap((player) => [xpGain(player, 100, t), bossKill(player, 50, t), xpGain(player, 250, t)]));
    expect(response.status).toBe(202);
    await harness.settle();

    expect(t - started).toBeGreaterThanOrEqual(OUTAGE_MS);
    for (const player of players) expect(await progressOf(player)).toMatchObject({ xp: 355, bossKills: 1 });
    const progression = harness.deliveries.filter((d) => d.functionName === 'progression' && players.some((p) => d.messageIds.length > 0 && judged.get(p)?.includes(d.messageIds[0] ?? '')));
    // The outage outlived one hold: batches were given back and redelivered, and still nothing was lost.
    expect(progression.some((d) => !d.ok)).toBe(true);
    expect(Math.max(...progression.flatMap((d) => d.deliveryCounts))).toBeGreaterThan(1);
    expect(Math.max(...progression.flatMap((d) => d.deliveryCounts))).toBeLessThan(base.settings.bus.maxDeliveryCount);
    expect(harness.deadLetters()).toEqual([]);
    expect(harness.parkedCount()).toBe(0);
  });

  it('Redis: fairness judges each player in send order, even events sent while a batch is held', async () => {
    const started = t;
    outage.redisUntil = t + OUTAGE_MS;
    const player = `p-${randomUUID()}`;
    const first = xpGain(player, 10, t);
    // Sent while the first batch is held: under a reschedule-and-complete scheme these would
    // reach fairness before it.
    const whileHeld = [xpGain(player, 20, t), xpGain(player, 30, t)];
    duringFirstRedisFailure = async () => {
      for (const body of whileHeld) await post(body);
    };
    await post(first);
    await harness.settle();
    const after = xpGain(player, 40, t);
    await post(after);
    await harness.settle();

    expect(t - started).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(duringFirstRedisFailure).toBeUndefined();
    expect(judged.get(player)).toEqual([first, ...whileHeld, after].map((e) => e.eventId));
    expect(await progressOf(player)).toMatchObject({ xp: 100 });
    expect(harness.deadLetters()).toEqual([]);
  });

  it('a bug (not an outage) is redelivered at once and dead-lettered after the max delivery count, alone', async () => {
    const player = `p-${randomUUID()}`;
    outage.bugFor = player;
    const started = t;
    const event = bossKill(player, 70, t);
    const response = await harness.postEvents([event]);
    expect(response.status).toBe(202);
    await harness.settle();

    // No hold for a bug: the host's immediate redeliveries, then the broker's dead-letter queue.
    expect(t).toBe(started);
    const tries = harness.deliveries.filter((d) => d.functionName === 'progression' && d.messageIds.includes(String(event.eventId)));
    expect(tries.map((d) => d.deliveryCounts[0])).toEqual(Array.from({ length: base.settings.bus.maxDeliveryCount }, (_v, i) => i + 1));
    expect(harness.deadLetters().map((d) => [d.source, d.deadLetter.message.messageId, d.deadLetter.reason])).toEqual([
      [`${base.settings.bus.verifiedTopic}/subscriptions/${base.settings.bus.progressionSubscription}`, event.eventId, 'MaxDeliveryCountExceeded'],
    ]);
  });
});
