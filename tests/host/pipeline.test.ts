import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParked } from '../../src/core/messaging/parked.js';
import { testApp } from '../support/app.js';
import { NOW_MS } from '../support/gateway.js';
import { bossKill, startHarness, xpGain, type Harness } from './harness.js';

let harness: Harness;
const { app } = testApp({ now: () => NOW_MS });

beforeAll(async () => {
  harness = await startHarness(app);
});

afterAll(async () => {
  await harness.close();
});

async function progressOf(playerId: string): Promise<Record<string, unknown>> {
  const response = await harness.host.http('getProgress', { method: 'GET', path: `/api/players/${playerId}/progress`, params: { playerId } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function pointsOf(playerId: string): Promise<unknown> {
  const response = await harness.host.http('getLeaderboardPlayer', {
    method: 'GET',
    path: `/api/leaderboards/points/alltime/players/${playerId}`,
    params: { board: 'points', window: 'alltime', playerId },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { score?: unknown }).score;
}

describe('gateway → fairness → progression + leaderboard, through the worker API', () => {
  it('applies signed events end to end', async () => {
    const player = `p-${randomUUID()}`;
    for (const body of [xpGain(player, 400, NOW_MS - 3_000), bossKill(player, 1_500, NOW_MS - 2_000), xpGain(player, 700, NOW_MS - 1_000)]) {
      const response = await harness.postEvent(body);
      expect(response.status).toBe(202);
    }
    await harness.settle();
    expect(await progressOf(player)).toMatchObject({ playerId: player, xp: 1_250, bossKills: 1 });
    expect(await pointsOf(player)).toBe(1_500);
    expect(harness.deliveries.filter((d) => !d.ok)).toEqual([]);
    expect(harness.deadLetters()).toEqual([]);
  });
});

describe('poison under the host', () => {
  it('parks a poison message and completes the good events of its batch on the first delivery', async () => {
    const player = `p-${randomUUID()}`;
    const good = [xpGain(player, 100, NOW_MS - 2_000), xpGain(player, 200, NOW_MS - 1_000)];
    const poisonId = randomUUID();
    // Another producer on the ingress queue: one batch of one session, a bad body in the middle.
    await app.bus.send(app.settings.bus.ingressQueue, [
      { messageId: String(good[0]?.eventId), sessionId: player, body: good[0], applicationProperties: { type: 'progression', playerId: player } },
      { messageId: poisonId, sessionId: player, body: { not: 'an envelope' }, applicationProperties: { type: 'progression', playerId: player } },
      { messageId: String(good[1]?.eventId), sessionId: player, body: good[1], applicationProperties: { type: 'progression', playerId: player } },
    ]);
    await harness.settle();

    const fairnessBatch = harness.deliveries.find((d) => d.functionName === 'fairness' && d.messageIds.includes(poisonId));
    expect(fairnessBatch).toMatchObject({ ok: true, deliveryCounts: [1, 1, 1] });
    expect(await progressOf(player)).toMatchObject({ xp: 300 });
    expect(harness.deadLetters()).toEqual([]);
    expect(harness.parkedCount()).toBe(1);
  });

  it('parks poison on a topic subscription once per consuming subscription, with where it came from', async () => {
    const before = harness.parkedCount();
    const player = `p-${randomUUID()}`;
    const messageId = randomUUID();
    await app.bus.send(app.settings.bus.verifiedTopic, [{ messageId, sessionId: player, body: 'not json at all', applicationProperties: { type: 'boss_kill', playerId: player } }]);
    await harness.settle();
    expect(harness.parkedCount()).toBe(before + 2);
    expect(harness.deliveries.filter((d) => d.messageIds.includes(messageId)).map((d) => [d.functionName, d.ok]).sort()).toEqual([
      ['leaderboard', true],
      ['progression', true],
    ]);
    expect(harness.deadLetters()).toEqual([]);
  });

  it('keeps the parking record on the parked copy', () => {
    expect(readParked({ parkedFrom: 'liveops-ingress', parkedReason: 'InvalidEnvelope', parkedDescription: 'x', parkedAt: '2026-11-25T08:00:00.000Z', parkedSessionId: 'p' })).toEqual({
      source: 'liveops-ingress',
      reason: 'InvalidEnvelope',
      description: 'x',
      parkedAt: new Date('2026-11-25T08:00:00.000Z'),
      sessionId: 'p',
    });
  });
});

describe('timer through the worker API', () => {
  it('runs the snapshot timer with a host TimerInfo payload', async () => {
    const outcome = await harness.host.timer('snapshot', { now: new Date(NOW_MS) });
    expect(outcome.status).toBe('success');
  });
});
