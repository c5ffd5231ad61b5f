import fc from 'fast-check';
import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { postEvent, postEventBatch } from '../../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, newEventBody, signedRequest } from '../../support/gateway.js';

/**
 * Whatever bytes and headers arrive, the gateway answers with a 2xx or a 4xx problem: never a
 * 5xx and never an exception (the handler returning at all proves the latter).
 */
describe('gateway robustness (property-based)', () => {
  const { app } = gatewayHarness();
  const post = handlerOf(postEvent, app);
  const batch = handlerOf(postEventBatch, app);

  const mutatedEvent = fc.record({
    eventId: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
    type: fc.oneof(fc.constantFrom('progression', 'boss_kill', 'drop_claimed', 'match_end'), fc.string()),
    playerId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{3,64}$/), fc.string(), fc.constant(undefined)),
    ts: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER)),
    season: fc.oneof(fc.integer(), fc.constant(undefined), fc.string()),
    payload: fc.oneof(fc.object(), fc.anything(), fc.record({ bossId: fc.string(), tier: fc.integer(), points: fc.oneof(fc.integer(), fc.double()) })),
  }, { requiredKeys: [] });

  it('random JSON values, validly signed, never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), mutatedEvent), async (value) => {
        const res = await post(signedRequest({ body: JSON.stringify(value) }));
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes and headers never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.dictionary(fc.constantFrom('content-type', 'x-signature', 'idempotency-key', 'content-length', 'traceparent'), fc.string({ maxLength: 300 })),
        async (bytes, headers) => {
          const res = await post(new HttpRequest({ method: 'POST', url: 'http://localhost/api/events', headers, body: { bytes } }));
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mutated batches never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(mutatedEvent, fc.constant(newEventBody())), { maxLength: 20 }), async (events) => {
        const res = await batch(signedRequest({ path: '/api/events/batch', body: { events } }));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
