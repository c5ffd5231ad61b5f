import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import { adminPlayerFairness, adminReleaseQuarantined } from '../../../src/functions/admin/fairness-admin.js';
import { adminKeepQuarantined } from '../../../src/functions/admin/quarantine-keep.js';
import { gatewayHarness, handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

async function quarantine(app: AppContext, playerId: string): Promise<string> {
  const eventId = randomUUID();
  await app.fairness.audit.quarantine({
    event: { eventId, type: 'boss_kill', playerId, ts: NOW_MS, season: 1, payload: { bossId: 'dragon', tier: 3, points: 150_000 } },
    verdict: { kind: 'flag', rule: 'cap', value: 150_000, statistic: 150_000, threshold: 100_000 },
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    quarantinedAtMs: NOW_MS,
  });
  return eventId;
}

// Issue #18: the fairness review releases an event or keeps it; one decision per event.
describe('POST /api/admin/quarantine/{eventId}/keep', () => {
  it('keeps an event out for good: audited with the reason, and a later release is a 409 that says why', async () => {
    const harness = gatewayHarness();
    const { app } = harness;
    const eventId = await quarantine(app, 'player_7');
    const keep = handlerOf(adminKeepQuarantined, app);
    const res = await keep(signedRequest({ path: `/api/admin/quarantine/${eventId}/keep`, body: { reason: 'confirmed speed hack' }, params: { eventId } }));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ eventId, kept: true });
    const again = await keep(signedRequest({ path: `/api/admin/quarantine/${eventId}/keep`, body: { reason: 'twice' }, params: { eventId } }));
    expect(again.status).toBe(409);
    const release = await handlerOf(adminReleaseQuarantined, app)(signedRequest({ path: `/api/admin/quarantine/${eventId}/release`, body: '', params: { eventId } }));
    expect(release.status).toBe(409);
    expect(release.json()).toMatchObject({ type: 'urn:liveops:problem:already-decided', detail: `Event ${eventId} was kept by dev: confirmed speed hack` });
    // Nothing reached the verified topic.
    expect(harness.sent.filter((m) => m.messageId === eventId)).toEqual([]);
    const record = await handlerOf(adminPlayerFairness, app)(signedRequest({ method: 'GET', path: '/api/admin/players/player_7/fairness', body: '', params: { playerId: 'player_7' } }));
    expect(record.json()).toMatchObject({ sanctions: [{ kind: 'keep', eventId, by: 'dev', reason: 'confirmed speed hack' }] });
  });

  it('refuses to keep a released event (409 already-released), an unknown one (404) and one without a reason (400)', async () => {
    const { app } = gatewayHarness();
    const eventId = await quarantine(app, 'player_8');
    expect((await handlerOf(adminReleaseQuarantined, app)(signedRequest({ path: `/api/admin/quarantine/${eventId}/release`, body: '', params: { eventId } }))).status).toBe(200);
    const keep = handlerOf(adminKeepQuarantined, app);
    const late = await keep(signedRequest({ path: `/api/admin/quarantine/${eventId}/keep`, body: { reason: 'too late' }, params: { eventId } }));
    expect(late.json()).toMatchObject({ status: 409, type: 'urn:liveops:problem:already-released' });
    const unknown = randomUUID();
    expect((await keep(signedRequest({ path: `/api/admin/quarantine/${unknown}/keep`, body: { reason: 'x' }, params: { eventId: unknown } }))).status).toBe(404);
    expect((await keep(signedRequest({ path: `/api/admin/quarantine/${eventId}/keep`, body: {}, params: { eventId } }))).status).toBe(400);
  });
});
