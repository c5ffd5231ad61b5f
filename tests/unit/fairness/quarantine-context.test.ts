import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminQuarantineContext } from '../../../src/functions/admin/quarantine-context.js';
import { gatewayHarness, handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

// Issue #18: the fairness review shows a flagged value next to the player's recent history.
describe('GET /api/admin/quarantine/{eventId}/context', () => {
  it("returns the quarantined event with the player's history of the same kind (tier-3 boss kills), oldest first", async () => {
    const { app } = gatewayHarness();
    const decisions = [1200, 1500, 1300].map((value, i) => ({ eventId: randomUUID(), type: 'boss_kill:t3', value, enqueuedAtMs: NOW_MS - 10_000 + i, recorded: { verdict: { kind: 'pass' as const } } }));
    await app.fairness.store.commit({ playerId: 'player_9', decisions, nowMs: NOW_MS });
    // Another tier is another history.
    await app.fairness.store.commit({ playerId: 'player_9', decisions: [{ eventId: randomUUID(), type: 'boss_kill:t7', value: 90_000, enqueuedAtMs: NOW_MS, recorded: { verdict: { kind: 'pass' } } }], nowMs: NOW_MS });
    const eventId = randomUUID();
    await app.fairness.audit.quarantine({
      event: { eventId, type: 'boss_kill', playerId: 'player_9', ts: NOW_MS, season: 1, payload: { bossId: 'dragon', tier: 3, points: 15_000 } },
      verdict: { kind: 'flag', rule: 'anomaly', value: 15_000, statistic: 40, threshold: 3.5 },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      quarantinedAtMs: NOW_MS,
    });
    const context = handlerOf(adminQuarantineContext, app);
    const res = await context(signedRequest({ method: 'GET', path: `/api/admin/quarantine/${eventId}/context`, body: '', params: { eventId } }));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ historyKey: 'boss_kill:t3', history: [1200, 1500, 1300], verdict: { rule: 'anomaly', value: 15_000 }, event: { eventId } });
    const missing = randomUUID();
    expect((await context(signedRequest({ method: 'GET', path: `/api/admin/quarantine/${missing}/context`, body: '', params: { eventId: missing } }))).status).toBe(404);
  });
});
