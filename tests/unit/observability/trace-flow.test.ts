import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../src/adapters/memory/memory-bus.js';
import type { ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { traceIdOf } from '../../../src/core/tracing/traceparent.js';
import { fairness } from '../../../src/functions/fairness/fairness.js';
import { leaderboardConsumer } from '../../../src/functions/leaderboard/consumer.js';
import { progression } from '../../../src/functions/progression/progression.js';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { startBusConsumers } from '../../../src/local/bus-runner.js';
import { testApp } from '../../support/app.js';
import { NOW_MS, handlerOf, newEventBody, signedRequest } from '../../support/gateway.js';

/**
 * DESIGN §8: one event followed from the gateway through fairness to the verified topic, and on to
 * progression and the leaderboard, by its trace id in the JSON log lines each step wrote.
 */
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

type Line = Record<string, unknown>;

function setup(): { post: ReturnType<typeof handlerOf>; bus: MemoryBus; verified: ReceivedMessage[]; logs: () => Line[] } {
  const { app, lines } = testApp({ captureLogs: true, now: () => NOW_MS });
  const { bus } = app;
  if (!(bus instanceof MemoryBus)) throw new Error('expected the memory bus');
  const verified: ReceivedMessage[] = [];
  running.push(bus.subscribe({ source: { topic: 'liveops-verified', subscription: 'progression' }, maxBatchSize: 100, handler: (batch) => { verified.push(...batch); return Promise.resolve(); } }));
  running.push(startBusConsumers({ app, definitions: [fairness] }));
  return { post: handlerOf(postEvent, app), bus, verified, logs: () => lines.map((l) => JSON.parse(l) as Line) };
}

/** Every log line whose traceparent (or one of its traceparents) has this trace id. */
function linesOfTrace(logs: readonly Line[], traceId: string): Line[] {
  return logs.filter((line) => {
    const values = [line.traceparent, ...(Array.isArray(line.traceparents) ? (line.traceparents as unknown[]) : [])];
    return values.some((v) => typeof v === 'string' && traceIdOf(v) === traceId);
  });
}

describe('one event followed by its trace id', () => {
  it('reaches the leaderboard (and progression) with the same trace id in every step\'s logs', async () => {
    const { app, lines } = testApp({ captureLogs: true, now: () => NOW_MS });
    const { bus } = app;
    if (!(bus instanceof MemoryBus)) throw new Error('expected the memory bus');
    running.push(startBusConsumers({ app, definitions: [fairness, progression, leaderboardConsumer] }));
    const traceparent = '00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const body = newEventBody({ playerId: 'traced_player' });
    expect((await handlerOf(postEvent, app)(signedRequest({ body, headers: { traceparent } }))).status).toBe(202);
    await bus.idle();

    const traced = linesOfTrace(lines.map((l) => JSON.parse(l) as Line), '5bf92f3577b34da6a3ce929d0e0e4736');
    const steps = new Set(traced.map((l) => l.function));
    expect([...steps].sort()).toEqual(['fairness', 'leaderboard', 'postEvent', 'progression']);
    expect(traced).toContainEqual(expect.objectContaining({ function: 'leaderboard', msg: 'message received', messageId: body.eventId }));
  });

  it('continues the caller\'s trace from the gateway through fairness to the verified topic', async () => {
    const { post, bus, verified, logs } = setup();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const body = newEventBody();
    expect((await post(signedRequest({ body, headers: { traceparent } }))).status).toBe(202);
    await bus.idle();

    expect(verified.map((m) => [m.messageId, m.applicationProperties.traceparent])).toEqual([[body.eventId, traceparent]]);
    const traced = linesOfTrace(logs(), '4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traced).toContainEqual(expect.objectContaining({ function: 'postEvent', msg: 'event ingested', eventId: body.eventId }));
    expect(traced).toContainEqual(expect.objectContaining({ function: 'fairness', msg: 'message received', messageId: body.eventId }));
  });

  it('starts a trace at the gateway when the caller sent none, and fairness logs that one', async () => {
    const { post, bus, verified, logs } = setup();
    const body = newEventBody();
    expect((await post(signedRequest({ body }))).status).toBe(202);
    await bus.idle();

    const ingested = logs().find((l) => l.msg === 'event ingested');
    const started = typeof ingested?.traceparent === 'string' ? traceIdOf(ingested.traceparent) : undefined;
    expect(started).toMatch(/^[0-9a-f]{32}$/);
    const forwarded = verified[0]?.applicationProperties.traceparent;
    expect(typeof forwarded === 'string' ? traceIdOf(forwarded) : undefined).toBe(started);
    const fairnessLines = linesOfTrace(logs(), started ?? '').filter((l) => l.function === 'fairness');
    expect(fairnessLines.length).toBeGreaterThan(0);
    for (const line of fairnessLines) expect(line.invocationId).toEqual(expect.any(String));
  });

  it('puts the trace on the flagged-event line an investigation starts from', async () => {
    const { post, bus, logs } = setup();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    // Above the default boss_kill.points cap (100 000): flagged on the spot.
    const body = newEventBody({ payload: { bossId: 'dragon', tier: 3, points: 5_000_000 } });
    expect((await post(signedRequest({ body, headers: { traceparent } }))).status).toBe(202);
    await bus.idle();
    expect(linesOfTrace(logs(), '0af7651916cd43dd8448eb211c80319c')).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'event flagged', eventId: body.eventId }));
  });
});
