import { describe, expect, it } from 'vitest';
import { adminPlayerReceipts, adminRevokeReceipt } from '../../../src/functions/progression/routes.js';
import { gatewayHarness, handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

// Issue #18: the console's player panel lists receipts and revokes them.
describe('GET /api/admin/players/{playerId}/receipts', () => {
  it("lists a player's receipts newest first with their state, never the JWS", async () => {
    let nowMs = NOW_MS;
    const { app } = gatewayHarness({}, () => nowMs);
    const first = await app.progression.grant({ grantId: 'lb:points:daily:2026-11-24:1', playerId: 'hero_9', rewardId: 'daily_champion', item: 'gems', qty: 50, season: 1 });
    nowMs += 60_000;
    const second = await app.progression.grant({ grantId: 'lb:points:daily:2026-11-25:1', playerId: 'hero_9', rewardId: 'daily_champion', item: 'gems', qty: 50, season: 1 });
    const revoked = await handlerOf(adminRevokeReceipt, app)(signedRequest({ path: `/api/admin/receipts/${first.receiptId}/revoke`, body: '', params: { receiptId: first.receiptId }, tS: Math.floor(nowMs / 1000) }));
    expect(revoked.status).toBe(200);

    const list = handlerOf(adminPlayerReceipts, app);
    const res = await list(signedRequest({ method: 'GET', path: '/api/admin/players/hero_9/receipts', body: '', params: { playerId: 'hero_9' }, tS: Math.floor(nowMs / 1000) }));
    expect(res.status).toBe(200);
    const body = res.json() as { receipts: Record<string, unknown>[] };
    expect(body.receipts.map((r) => r.receiptId)).toEqual([second.receiptId, first.receiptId]);
    expect(body.receipts[1]).toMatchObject({ rewardId: 'daily_champion', item: 'gems', qty: 50, revokedAt: new Date(nowMs).toISOString() });
    expect(body.receipts[0]).not.toHaveProperty('revokedAt');
    expect(JSON.stringify(body)).not.toContain(first.receipt);
    expect((await list(signedRequest({ method: 'GET', path: '/api/admin/players/bad%20id/receipts', body: '', params: { playerId: 'bad id' }, tS: Math.floor(nowMs / 1000) }))).status).toBe(400);
  });
});
