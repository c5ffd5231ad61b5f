import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../src/core/errors/errors.js';
import { PoisonMessageError } from '../../../src/core/messaging/poison.js';
import { parkPoisonUnderHost } from '../../../src/functions/bus/park-poison.js';
import { gatewayHarness, NOW_MS } from '../../support/gateway.js';

const batch = [
  { messageId: 'good-1', sessionId: 'p1', body: { ok: true } },
  { messageId: 'bad-1', sessionId: 'p1', body: { ok: false } },
];
const context = (): InvocationContext =>
  new InvocationContext({
    functionName: 'fairness',
    triggerMetadata: {
      messageIdArray: batch.map((m) => m.messageId),
      sessionIdArray: batch.map((m) => m.sessionId),
      deliveryCountArray: [1, 1],
      enqueuedTimeUtcArray: [new Date(NOW_MS).toISOString(), new Date(NOW_MS).toISOString()],
      applicationPropertiesArray: [{ type: 'progression' }, { type: 'progression' }],
    },
  });
const poison = (othersHandled: boolean): PoisonMessageError => new PoisonMessageError({ messageIds: ['bad-1'], reason: 'InvalidEnvelope', description: 'bad-1: payload missing', othersHandled });

describe('parkPoisonUnderHost', () => {
  it('copies the named messages to the parked queue with their record, and lets the batch complete', async () => {
    const { app, sent } = gatewayHarness();
    const handler = parkPoisonUnderHost({ app, source: 'liveops-ingress', handler: () => Promise.reject(poison(true)) });
    await expect(handler(batch.map((m) => m.body), context())).resolves.toBeUndefined();
    expect(sent).toEqual([
      {
        messageId: 'bad-1',
        body: { ok: false },
        applicationProperties: { type: 'progression', parkedFrom: 'liveops-ingress', parkedReason: 'InvalidEnvelope', parkedDescription: 'bad-1: payload missing', parkedAt: new Date(NOW_MS).toISOString(), parkedSessionId: 'p1' },
      },
    ]);
  });

  it('fails the batch when the others were not handled, or when parking fails', async () => {
    const harness = gatewayHarness();
    const { app, sent } = harness;
    const unhandled = parkPoisonUnderHost({ app, source: 'liveops-ingress', handler: () => Promise.reject(poison(false)) });
    await expect(unhandled(batch.map((m) => m.body), context())).rejects.toBeInstanceOf(PoisonMessageError);
    harness.failSends(1);
    const handled = parkPoisonUnderHost({ app, source: 'liveops-ingress', handler: () => Promise.reject(poison(true)) });
    await expect(handled(batch.map((m) => m.body), context())).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(sent).toEqual([]);
  });

  it('passes any other failure through untouched', async () => {
    const { app } = gatewayHarness();
    const bug = new TypeError('bug');
    const handler = parkPoisonUnderHost({ app, source: 'liveops-ingress', handler: () => Promise.reject(bug) });
    await expect(handler(batch.map((m) => m.body), context())).rejects.toBe(bug);
  });
});
