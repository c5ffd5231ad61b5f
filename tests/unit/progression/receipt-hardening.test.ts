import { randomUUID } from 'node:crypto';
import { HttpRequest } from '@azure/functions';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/adapters/logging/json-logger.js';
import { MemoryProgressRepository } from '../../../src/adapters/memory/memory-progress-repository.js';
import { MemoryReceiptRepository } from '../../../src/adapters/memory/memory-receipt-repository.js';
import type { AppContext } from '../../../src/app/app-context.js';
import type { AcceptedEvent } from '../../../src/core/ingestion/envelope.js';
import type { ReceiptRecord } from '../../../src/core/progression/ports.js';
import { Progression } from '../../../src/core/progression/progression.js';
import { claimReward, redeemReceipt, verifyReceiptRoute } from '../../../src/functions/progression/routes.js';
import { gatewayHarness, handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

// #19 items 4 (receipts) and 8b (blocked players), through the HTTP routes.

const RECEIPT_KEYS = { r1: 'receipt-key-one-0123456789abcdef012345' };

function xp(options: { readonly playerId: string; readonly deltaXp: number; readonly season?: number }): AcceptedEvent {
  return { eventId: randomUUID(), type: 'progression', playerId: options.playerId, ts: NOW_MS, season: options.season ?? 1, payload: { deltaXp: options.deltaXp, activity: 'quest' } };
}

const claim = (body: Record<string, unknown>) => signedRequest({ path: '/api/rewards/claim', body });
const redeem = (receipt: string) => signedRequest({ path: '/api/receipts/redeem', body: { receipt } });
const verifyRequest = (receipt: string) =>
  new HttpRequest({ method: 'POST', url: 'http://localhost/api/receipts/verify', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ receipt }) } });

function claimsOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** A receipt signed with a ring key, as a leaked key or another environment with the same kid would. */
async function signWithRing(claims: Record<string, unknown>): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader({ alg: 'HS256', kid: 'r1', typ: 'liveops-receipt+jwt' }).sign(Buffer.from(RECEIPT_KEYS.r1));
}

/**
 * The app with a Progression whose receipt store lets an admin's revoke land right after redeem's
 * verify read the record: the window the repository's UPDATE must close.
 */
function appWithRevokeAfterRead(app: AppContext): AppContext {
  const store = new MemoryReceiptRepository();
  const racing = {
    insertOrGet: (r: ReceiptRecord) => store.insertOrGet(r),
    listByPlayer: (p: string) => store.listByPlayer(p),
    redeem: (o: { receiptId: string; nowMs: number }) => store.redeem(o),
    revoke: (o: { receiptId: string; nowMs: number }) => store.revoke(o),
    findById: async (receiptId: string) => {
      const seen = await store.findById(receiptId);
      await store.revoke({ receiptId, nowMs: app.now() });
      return seen;
    },
  };
  const progression = new Progression({
    progress: new MemoryProgressRepository(),
    receipts: racing,
    sanctions: app.stores.sanctions,
    cache: undefined,
    settings: app.settings.progression,
    receiptKeys: app.settings.receipts.keys,
    activeKid: app.settings.receipts.activeKid,
    logger: silentLogger,
    now: app.now,
  });
  return { ...app, progression, grants: progression };
}

describe('#19 item 4: receipts', () => {
  it('4a: a revoke landing between verify and the redeem UPDATE wins: 400 receipt-invalid, reason revoked', async () => {
    const app = appWithRevokeAfterRead(gatewayHarness().app);
    const { receipt } = await app.progression.grant({ grantId: 'lb:points:weekly:2026-W48:1', playerId: 'hero_r1', rewardId: 'weekly_champion', item: 'trophy_gold', qty: 1, season: 1 });
    const res = await handlerOf(redeemReceipt, app)(redeem(receipt));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ type: 'urn:liveops:problem:receipt-invalid', reason: 'revoked' });
  });

  it('4b: a well-signed receipt with no record (or a forged body under a real jti) verifies as not_issued', async () => {
    const { app } = gatewayHarness({ RECEIPT_KEYS: JSON.stringify(RECEIPT_KEYS) });
    const verify = handlerOf(verifyReceiptRoute, app);
    const nowS = Math.floor(NOW_MS / 1000);
    const neverIssued = await signWithRing({ jti: randomUUID(), sub: 'hero_r2', rwd: 'level_5_chest', item: 'chest_bronze', qty: 1, season: 1, iat: nowS, exp: nowS + 3600 });
    expect((await verify(verifyRequest(neverIssued))).json()).toEqual({ valid: false, reason: 'not_issued' });

    const issued = await app.progression.grant({ grantId: 'lb:xp:daily:2026-11-25:1', playerId: 'hero_r2', rewardId: 'daily_champion', item: 'gems', qty: 50, season: 1 });
    expect((await verify(verifyRequest(issued.receipt))).json()).toMatchObject({ valid: true });
    const forged = await signWithRing({ ...claimsOf(issued.receipt), qty: 5000 });
    expect((await verify(verifyRequest(forged))).json()).toEqual({ valid: false, reason: 'not_issued' });
    // Redeem keeps its answer for a receipt not issued here, and the real one stays unredeemed.
    expect((await handlerOf(redeemReceipt, app)(redeem(forged))).status).toBe(404);
    expect((await handlerOf(redeemReceipt, app)(redeem(issued.receipt))).status).toBe(200);
  });

  it('4c: claiming the same reward in season 2 issues a season-2 receipt, not season 1\'s again', async () => {
    const { app } = gatewayHarness();
    await app.progression.apply([xp({ playerId: 'hero_r3', deltaXp: 5000, season: 1 }), xp({ playerId: 'hero_r3', deltaXp: 5000, season: 2 })]);
    const post = handlerOf(claimReward, app);
    const first = await post(claim({ playerId: 'hero_r3', rewardId: 'level_5_chest', season: 1 }));
    const second = await post(claim({ playerId: 'hero_r3', rewardId: 'level_5_chest', season: 2 }));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.json().receiptId).not.toBe(first.json().receiptId);
    expect(claimsOf(String(second.json().receipt))).toMatchObject({ season: 2 });
    const again = await post(claim({ playerId: 'hero_r3', rewardId: 'level_5_chest', season: 2 }));
    expect(again.status).toBe(200);
    expect(again.json().receiptId).toBe(second.json().receiptId);
  });
});

describe('#19 item 8b: blocked players', () => {
  const BLOCKED_UNTIL = NOW_MS + 60_000;

  it('a blocked player can neither claim nor redeem (403 player-blocked with blockedUntil); verify still answers', async () => {
    const { app } = gatewayHarness();
    await app.progression.apply([xp({ playerId: 'hero_b1', deltaXp: 5000 })]);
    const post = handlerOf(claimReward, app);
    const issued = await post(claim({ playerId: 'hero_b1', rewardId: 'level_5_chest' }));
    expect(issued.status).toBe(201);
    const receipt = String(issued.json().receipt);
    await app.stores.sanctions.block({ playerId: 'hero_b1', untilMs: BLOCKED_UNTIL, reason: 'test', nowMs: NOW_MS });

    const blocked = { status: 403, type: 'urn:liveops:problem:player-blocked', blockedUntil: new Date(BLOCKED_UNTIL).toISOString() };
    // A repeated claim would return the same receipt: refused too, as is a fresh one.
    for (const rewardId of ['level_5_chest', 'level_10_chest']) {
      const res = await post(claim({ playerId: 'hero_b1', rewardId }));
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject(blocked);
    }
    const redeemed = await handlerOf(redeemReceipt, app)(redeem(receipt));
    expect(redeemed.status).toBe(403);
    expect(redeemed.json()).toMatchObject(blocked);
    expect((await handlerOf(verifyReceiptRoute, app)(verifyRequest(receipt))).json()).toMatchObject({ valid: true });

    // The refused redeem changed nothing: once unblocked, the receipt redeems.
    await app.stores.sanctions.unblock({ playerId: 'hero_b1' });
    expect((await handlerOf(redeemReceipt, app)(redeem(receipt))).status).toBe(200);
  });
});
