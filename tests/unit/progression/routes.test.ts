import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import type { AcceptedEvent } from '../../../src/core/ingestion/envelope.js';
import { progression } from '../../../src/functions/progression/progression.js';
import { adminRevokeReceipt, claimReward, getProgress, getRewards, redeemReceipt, verifyReceiptRoute } from '../../../src/functions/progression/routes.js';
import { gatewayHarness, handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

const RECEIPT_KEYS = { r1: 'receipt-key-one-0123456789abcdef012345', r2: 'receipt-key-two-0123456789abcdef012345' };

function xp(playerId: string, deltaXp: number): AcceptedEvent {
  return { eventId: randomUUID(), type: 'progression', playerId, ts: NOW_MS, season: 1, payload: { deltaXp, activity: 'quest' } };
}

/** Delivers events to the progression function as the host would (cardinality many). */
async function deliver(app: AppContext, events: readonly AcceptedEvent[]): Promise<void> {
  const handler = progression.handler(app);
  await handler(events, new InvocationContext({
    triggerMetadata: {
      messageIdArray: events.map((e) => e.eventId),
      sessionIdArray: events.map((e) => e.playerId),
      deliveryCountArray: events.map(() => 1),
      enqueuedTimeUtcArray: events.map(() => new Date(NOW_MS).toISOString()),
      applicationPropertiesArray: events.map(() => ({})),
    },
  }));
}

function get(path: string, params: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://localhost${path}`, params });
}

describe('progress', () => {
  it('applies XP and levels (1000 XP per level) and answers 404 for an unknown player', async () => {
    const { app } = gatewayHarness();
    await deliver(app, [xp('hero_1', 700), xp('hero_1', 800)]);
    const res = await handlerOf(getProgress, app)(get('/api/players/hero_1/progress', { playerId: 'hero_1' }));
    expect(res.json()).toMatchObject({ playerId: 'hero_1', season: 1, xp: 1500, level: 2, xpIntoLevel: 500, xpForNextLevel: 1000, bossKills: 0 });
    expect((await handlerOf(getProgress, app)(get('/api/players/nobody/progress', { playerId: 'nobody' }))).status).toBe(404);
  });

  it('a redelivered batch changes nothing', async () => {
    const { app } = gatewayHarness();
    const batch = [xp('hero_2', 100), xp('hero_2', 200)];
    await deliver(app, batch);
    await deliver(app, batch);
    expect((await app.progression.progress({ playerId: 'hero_2', season: 1 }))?.xp).toBe(300);
    expect(await app.metrics.getSingleMetricAsString('liveops_progression_duplicates_total')).toContain('} 2');
  });

  it('counts level-ups', async () => {
    const { app } = gatewayHarness();
    await deliver(app, [xp('hero_3', 2500)]);
    expect(await app.metrics.getSingleMetricAsString('liveops_progression_level_ups_total')).toContain('} 2');
  });
});

describe('rewards and receipts', () => {
  const claim = (playerId: string, rewardId: string) => signedRequest({ path: '/api/rewards/claim', body: { playerId, rewardId } });

  it('403 when not entitled; 201 with a receipt when entitled; 200 with the same receipt again', async () => {
    const { app } = gatewayHarness({ RECEIPT_KEYS: JSON.stringify(RECEIPT_KEYS), RECEIPT_ACTIVE_KID: 'r2' });
    const post = handlerOf(claimReward, app);
    expect((await post(claim('hero_4', 'level_5_chest'))).status).toBe(403);
    await deliver(app, [xp('hero_4', 4500)]);
    const first = await post(claim('hero_4', 'level_5_chest'));
    expect(first.status).toBe(201);
    const again = await post(claim('hero_4', 'level_5_chest'));
    expect(again.status).toBe(200);
    expect(again.json().receipt).toBe(first.json().receipt);
    // A player's rewards are not public (DESIGN §2a): a server signature reads them.
    const rewards = await handlerOf(getRewards, app)(signedRequest({ method: 'GET', path: '/api/players/hero_4/rewards', params: { playerId: 'hero_4' }, body: '' }));
    expect(rewards.json()).toMatchObject({ claimable: [], claimed: [{ rewardId: 'level_5_chest', receiptId: first.json().receiptId }] });
    expect((await post(claim('hero_4', 'no_such_reward'))).status).toBe(404);
  });

  it('two concurrent claims produce one receipt', async () => {
    const { app } = gatewayHarness();
    await deliver(app, [xp('hero_5', 5000)]);
    const post = handlerOf(claimReward, app);
    const results = await Promise.all([post(claim('hero_5', 'level_5_chest')), post(claim('hero_5', 'level_5_chest'))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(new Set(results.map((r) => r.json().receiptId)).size).toBe(1);
  });

  it('verify answers valid, or valid:false with malformed, bad_signature, unknown_key, expired and revoked (always 200)', async () => {
    let now = NOW_MS;
    const { app } = gatewayHarness({ RECEIPT_KEYS: JSON.stringify(RECEIPT_KEYS), RECEIPT_ACTIVE_KID: 'r1', RECEIPT_TTL_S: '3600' }, () => now);
    await deliver(app, [xp('hero_6', 5000)]);
    const issued = (await handlerOf(claimReward, app)(signedRequest({ path: '/api/rewards/claim', body: { playerId: 'hero_6', rewardId: 'level_5_chest' } }))).json();
    const receipt = String(issued.receipt);
    const verify = handlerOf(verifyReceiptRoute, app);
    const check = async (value: string) => (await verify(new HttpRequest({ method: 'POST', url: 'http://localhost/api/receipts/verify', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ receipt: value }) } }))).json();

    expect(await check(receipt)).toMatchObject({ valid: true, claims: { sub: 'hero_6', rwd: 'level_5_chest', item: 'chest_bronze', qty: 1, season: 1 } });
    expect(await check('not-a-jws')).toEqual({ valid: false, reason: 'malformed' });
    const [h, p, sig] = receipt.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p ?? '', 'base64url').toString()), qty: 99 })).toString('base64url')}.${sig}`;
    expect(await check(tampered)).toEqual({ valid: false, reason: 'bad_signature' });
    const foreign = await new CompactSign(Buffer.from(Buffer.from(p ?? '', 'base64url'))).setProtectedHeader({ alg: 'HS256', kid: 'old', typ: 'liveops-receipt+jwt' }).sign(Buffer.from('x'.repeat(40)));
    expect(await check(foreign)).toEqual({ valid: false, reason: 'unknown_key' });
    now = NOW_MS + 3_600_000;
    expect(await check(receipt)).toEqual({ valid: false, reason: 'expired' });
  });

  it('an admin revokes a receipt: it then verifies as revoked and cannot be redeemed', async () => {
    const { app } = gatewayHarness();
    const { receipt, receiptId } = await app.progression.grant({ grantId: 'lb:points:weekly:2026-W48:1', playerId: 'hero_7', rewardId: 'weekly_champion', item: 'trophy_gold', qty: 1, season: 1 });
    expect((await app.progression.verify(receipt)).valid).toBe(true);
    const revoke = await handlerOf(adminRevokeReceipt, app)(signedRequest({ path: `/api/admin/receipts/${receiptId}/revoke`, body: '', params: { receiptId } }));
    expect(revoke.json()).toEqual({ receiptId, revoked: true });
    expect(await app.progression.verify(receipt)).toEqual({ valid: false, reason: 'revoked' });
    const redeem = await handlerOf(redeemReceipt, app)(signedRequest({ path: '/api/receipts/redeem', body: { receipt } }));
    expect(redeem.status).toBe(400);
    expect(redeem.json()).toMatchObject({ reason: 'revoked' });
  });

  it('redeems once (200), then 409; grants are idempotent by grant id', async () => {
    const { app } = gatewayHarness();
    const grant = { grantId: 'lb:xp:daily:2026-11-25:1', playerId: 'hero_8', rewardId: 'daily_champion', item: 'gems', qty: 50, season: 1 };
    const first = await app.progression.grant(grant);
    expect(await app.progression.grant(grant)).toEqual({ ...first, created: false });
    const redeem = handlerOf(redeemReceipt, app);
    const request = () => signedRequest({ path: '/api/receipts/redeem', body: { receipt: first.receipt } });
    expect((await redeem(request())).json()).toEqual({ receiptId: first.receiptId, redeemed: true });
    const second = await redeem(request());
    expect(second.status).toBe(409);
    expect(second.json().type).toBe('urn:liveops:problem:receipt-already-redeemed');
  });
});
