import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../src/core/ingestion/envelope.js';
import { toDeltas } from '../../src/core/progression/deltas.js';
import type { ProgressRepository, ReceiptRecord, ReceiptRepository } from '../../src/core/progression/ports.js';

/** 2026-11-25T08:00:00Z */
const T0 = Date.UTC(2026, 10, 25, 8);
const fold = (events: readonly AcceptedEvent[]) => toDeltas(events, { bossXpFactor: 0.1 });
/** MAX_ITEM_KINDS's default. */
const KINDS = 1000;

function xp(playerId: string, deltaXp: number, season = 1): AcceptedEvent {
  return { eventId: randomUUID(), type: 'progression', playerId, ts: T0, season, payload: { deltaXp, activity: 'quest' } };
}
function kill(playerId: string, tier: number, points: number): AcceptedEvent {
  return { eventId: randomUUID(), type: 'boss_kill', playerId, ts: T0, season: 1, payload: { bossId: 'dragon', tier, points } };
}
function drop(playerId: string, dropId: string, season = 1): AcceptedEvent {
  return { eventId: randomUUID(), type: 'drop_claimed', playerId, ts: T0, season, payload: { dropId, weight: 0.5, source: 'chest' } };
}

export function progressRepositoryContract(name: string, make: () => Promise<ProgressRepository> | ProgressRepository): void {
  describe(`${name}: progress repository`, () => {
    it('applies XP, boss kills (points × factor), best tier and drops; unknown players have no progress', async () => {
      const repo = await make();
      const p = `p_${randomUUID().slice(0, 8)}`;
      const result = await repo.applyBatch({ events: [xp(p, 300), kill(p, 3, 1500), kill(p, 7, 10), drop(p, 'sword'), drop(p, 'sword'), xp(p, 5, 2)], toDeltas: fold, maxItemKinds: KINDS, nowMs: T0 });
      expect(result).toMatchObject({ applied: 6, duplicates: 0 });
      expect(result.players).toEqual(expect.arrayContaining([{ playerId: p, season: 1 }, { playerId: p, season: 2 }]));
      expect(await repo.getProgress({ playerId: p, season: 1 })).toEqual({ playerId: p, season: 1, xp: 300 + 150 + 1, bossKills: 2, maxBossTier: 7, updatedAtMs: T0 });
      expect((await repo.getProgress({ playerId: p, season: 2 }))?.xp).toBe(5);
      expect(await repo.getInventory({ playerId: p, season: 1 })).toEqual(new Map([['sword', 2]]));
      expect(await repo.getProgress({ playerId: 'nobody_here', season: 1 })).toBeUndefined();
    });

    it('applies sixteen players\' batches concurrently without a deadlock', async () => {
      const repo = await make();
      const players = Array.from({ length: 16 }, () => `p_${randomUUID().slice(0, 8)}`);
      const results = await Promise.all(players.map((p) => repo.applyBatch({ events: Array.from({ length: 50 }, () => xp(p, 2)), toDeltas: fold, maxItemKinds: KINDS, nowMs: T0 })));
      expect(results.every((r) => r.applied === 50)).toBe(true);
      expect((await repo.getProgress({ playerId: players[0] ?? '', season: 1 }))?.xp).toBe(100);
    });

    it('a redelivered batch changes nothing; a partly new batch applies only its new events', async () => {
      const repo = await make();
      const p = `p_${randomUUID().slice(0, 8)}`;
      const batch = [xp(p, 100), xp(p, 200)];
      await repo.applyBatch({ events: batch, toDeltas: fold, maxItemKinds: KINDS, nowMs: T0 });
      expect(await repo.applyBatch({ events: batch, toDeltas: fold, maxItemKinds: KINDS, nowMs: T0 + 1 })).toMatchObject({ applied: 0, duplicates: 2 });
      const more = xp(p, 50);
      expect(await repo.applyBatch({ events: [...batch, more, more], toDeltas: fold, maxItemKinds: KINDS, nowMs: T0 + 2 })).toMatchObject({ applied: 1, duplicates: 3 });
      expect((await repo.getProgress({ playerId: p, season: 1 }))?.xp).toBe(350);
    });

    // Issue #19 item 6: each new dropId was a new inventory row.
    it('holds at most maxItemKinds distinct items per player and season; held items still add up', async () => {
      const repo = await make();
      const p = `p_${randomUUID().slice(0, 8)}`;
      const first = await repo.applyBatch({ events: ['a', 'b', 'a', 'c', 'd', 'e'].map((id) => drop(p, id)), toDeltas: fold, maxItemKinds: 3, nowMs: T0 });
      expect(first).toMatchObject({ applied: 6, itemsRefused: 2 });
      expect(await repo.getInventory({ playerId: p, season: 1 })).toEqual(new Map([['a', 2], ['b', 1], ['c', 1]]));
      const second = await repo.applyBatch({ events: [drop(p, 'c'), drop(p, 'f'), drop(p, 'f'), drop(p, 'x', 2)], toDeltas: fold, maxItemKinds: 3, nowMs: T0 + 1 });
      expect(second).toMatchObject({ applied: 4, itemsRefused: 2 });
      expect(await repo.getInventory({ playerId: p, season: 1 })).toEqual(new Map([['a', 2], ['b', 1], ['c', 2]]));
      // Another season counts its own kinds.
      expect(await repo.getInventory({ playerId: p, season: 2 })).toEqual(new Map([['x', 1]]));
    });

    it('prunes ledger rows processed before the cutoff, oldest first, in batches of the given size', async () => {
      const repo = await make();
      // 2001, far before every other test's rows: the MySQL suite shares its ledger table.
      const OLD = Date.UTC(2001, 0, 1);
      const p = `p_${randomUUID().slice(0, 8)}`;
      const old = [xp(p, 1), xp(p, 2), xp(p, 3)];
      const young = xp(p, 4);
      await repo.applyBatch({ events: old, toDeltas: fold, maxItemKinds: KINDS, nowMs: OLD });
      await repo.applyBatch({ events: [young], toDeltas: fold, maxItemKinds: KINDS, nowMs: OLD + 2 * 86_400_000 });
      const cutoff = OLD + 86_400_000;
      expect(await repo.pruneLedger({ processedBeforeMs: cutoff, limit: 2 })).toBe(2);
      expect(await repo.pruneLedger({ processedBeforeMs: cutoff, limit: 2 })).toBe(1);
      expect(await repo.pruneLedger({ processedBeforeMs: cutoff, limit: 2 })).toBe(0);
      // Forgotten: the pruned events would apply again (why the consumer refuses events this old),
      // while the young one is still a duplicate.
      const again = await repo.applyBatch({ events: [...old, young], toDeltas: fold, maxItemKinds: KINDS, nowMs: OLD + 3 * 86_400_000 });
      expect(again).toMatchObject({ applied: 3, duplicates: 1 });
    });
  });
}

function receipt(overrides: Partial<ReceiptRecord> = {}): ReceiptRecord {
  return { receiptId: randomUUID(), playerId: 'player_1', rewardId: 'level_5_chest', season: 1, grantId: '', item: 'chest_bronze', qty: 1, kid: 'r1', jws: 'header.payload.sig', issuedAtMs: T0, expiresAtMs: T0 + 86_400_000, ...overrides };
}

export function receiptRepositoryContract(name: string, make: () => Promise<ReceiptRepository> | ReceiptRepository): void {
  describe(`${name}: receipt repository`, () => {
    it('keeps one receipt per player and reward, and one per grant id', async () => {
      const repo = await make();
      const player = `p_${randomUUID().slice(0, 8)}`;
      const first = receipt({ playerId: player });
      expect(await repo.insertOrGet(first)).toEqual({ record: first, created: true });
      expect(await repo.insertOrGet(receipt({ playerId: player }))).toEqual({ record: first, created: false });
      const grant = receipt({ playerId: player, grantId: 'lb:points:weekly:2026-W48:1' });
      expect((await repo.insertOrGet(grant)).created).toBe(true);
      expect(await repo.findById(grant.receiptId)).toEqual(grant);
      expect((await repo.listByPlayer(player)).map((r) => r.receiptId).sort()).toEqual([first.receiptId, grant.receiptId].sort());
    });

    it('#19 item 4c: a claim is one per season; a grant id stays one receipt whatever season it names', async () => {
      const repo = await make();
      const player = `p_${randomUUID().slice(0, 8)}`;
      const season1 = receipt({ playerId: player, season: 1 });
      const season2 = receipt({ playerId: player, season: 2 });
      expect(await repo.insertOrGet(season1)).toEqual({ record: season1, created: true });
      expect(await repo.insertOrGet(season2)).toEqual({ record: season2, created: true });
      expect(await repo.insertOrGet(receipt({ playerId: player, season: 2 }))).toEqual({ record: season2, created: false });
      const grant = receipt({ playerId: player, rewardId: 'weekly_champion', grantId: 'lb:points:weekly:2026-W48:1', season: 1 });
      expect((await repo.insertOrGet(grant)).created).toBe(true);
      // The same payout retried after SEASON_ID moved on finds the first receipt.
      expect(await repo.insertOrGet(receipt({ ...grant, receiptId: randomUUID(), season: 2 }))).toEqual({ record: grant, created: false });
      expect((await repo.listByPlayer(player)).map((r) => r.receiptId).sort()).toEqual([season1.receiptId, season2.receiptId, grant.receiptId].sort());
    });

    it('ten concurrent claims of one reward produce one receipt', async () => {
      const repo = await make();
      const player = `p_${randomUUID().slice(0, 8)}`;
      const results = await Promise.all(Array.from({ length: 10 }, () => repo.insertOrGet(receipt({ playerId: player }))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.record.receiptId)).size).toBe(1);
    });

    it('redeems once, then reports already; unknown receipts are missing; revocation is recorded', async () => {
      const repo = await make();
      const r = receipt({ playerId: `p_${randomUUID().slice(0, 8)}` });
      await repo.insertOrGet(r);
      expect(await repo.redeem({ receiptId: r.receiptId, nowMs: T0 + 5 })).toBe('redeemed');
      expect(await repo.redeem({ receiptId: r.receiptId, nowMs: T0 + 6 })).toBe('already');
      expect(await repo.redeem({ receiptId: randomUUID(), nowMs: T0 })).toBe('missing');
      expect((await repo.findById(r.receiptId))?.redeemedAtMs).toBe(T0 + 5);
      await repo.revoke({ receiptId: r.receiptId, nowMs: T0 + 9 });
      expect((await repo.findById(r.receiptId))?.revokedAtMs).toBe(T0 + 9);
    });

    it('#19 item 4a: redeem refuses a revoked or expired receipt in the same step, and changes nothing', async () => {
      const repo = await make();
      const player = `p_${randomUUID().slice(0, 8)}`;
      // The caller verified this receipt before the revoke landed; the repository must still refuse it.
      const revoked = receipt({ playerId: player });
      await repo.insertOrGet(revoked);
      await repo.revoke({ receiptId: revoked.receiptId, nowMs: T0 + 1 });
      expect(await repo.redeem({ receiptId: revoked.receiptId, nowMs: T0 + 2 })).toBe('revoked');
      expect((await repo.findById(revoked.receiptId))?.redeemedAtMs).toBeUndefined();

      const expiring = receipt({ playerId: player, grantId: 'lb:xp:daily:2026-11-25:1', expiresAtMs: T0 + 1_000 });
      await repo.insertOrGet(expiring);
      expect(await repo.redeem({ receiptId: expiring.receiptId, nowMs: T0 + 1_000 })).toBe('expired');
      expect((await repo.findById(expiring.receiptId))?.redeemedAtMs).toBeUndefined();

      // Revoked after it was redeemed: it stays redeemed, and a second redeem reports the revocation.
      const used = receipt({ playerId: player, grantId: 'lb:xp:daily:2026-11-25:2' });
      await repo.insertOrGet(used);
      expect(await repo.redeem({ receiptId: used.receiptId, nowMs: T0 + 3 })).toBe('redeemed');
      await repo.revoke({ receiptId: used.receiptId, nowMs: T0 + 4 });
      expect(await repo.redeem({ receiptId: used.receiptId, nowMs: T0 + 5 })).toBe('revoked');
      expect(await repo.findById(used.receiptId)).toMatchObject({ redeemedAtMs: T0 + 3, revokedAtMs: T0 + 4 });
    });
  });
}
