import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditConflictError, type FairnessAudit, type QuarantinedEvent } from '../../src/core/fairness/audit.js';

/** 2026-11-25T08:00:00Z */
const T0 = Date.UTC(2026, 10, 25, 8);
const FLAG = { kind: 'flag', rule: 'anomaly', value: 15_000, statistic: 40.1, threshold: 3.5 } as const;

function quarantined(playerId: string, atMs: number): QuarantinedEvent {
  const eventId = randomUUID();
  return {
    event: { eventId, type: 'boss_kill', playerId, ts: atMs, season: 1, payload: { bossId: 'dragon', tier: 3, points: 15_000 } },
    verdict: FLAG,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    quarantinedAtMs: atMs,
  };
}

/** `make` must return an audit with no data (fresh instance or fresh table prefix). */
export function fairnessAuditContract(name: string, make: () => Promise<FairnessAudit> | FairnessAudit): void {
  describe(`${name}: fairness audit`, () => {
    it('lists a player\'s entries newest first and stores a repeated fact once', async () => {
      const audit = await make();
      const flag = { kind: 'flag' as const, playerId: 'p1', eventId: randomUUID(), atMs: T0 + 1, verdict: FLAG };
      const block = { kind: 'sanction' as const, playerId: 'p1', eventId: flag.eventId, atMs: T0 + 2, untilMs: T0 + 60_002, seconds: 60, reason: '3 flags in 3600 s' };
      await audit.record(block);
      await audit.record(flag);
      await audit.record(flag);
      await audit.record({ kind: 'flag', playerId: 'p2', eventId: randomUUID(), atMs: T0, verdict: FLAG });
      expect(await audit.entries({ playerId: 'p1', limit: 10 })).toEqual({ items: [block, flag] });
      expect(await audit.entries({ playerId: 'nobody', limit: 10 })).toEqual({ items: [] });
    });

    it('keeps both of two admin actions in the same millisecond (pinned clock; #19 item 3)', async () => {
      const audit = await make();
      const first = { kind: 'admin-block' as const, playerId: 'p1', atMs: T0, untilMs: T0 + 60_000, reason: 'first', by: 'ops' };
      const second = { ...first, untilMs: T0 + 120_000, reason: 'second' };
      await audit.record(first);
      await audit.record(second);
      const { items } = await audit.entries({ playerId: 'p1', limit: 10 });
      expect(items).toHaveLength(2);
      expect(items).toEqual(expect.arrayContaining([first, second]));
    });

    it('refuses a different fact under the key of a stored one instead of dropping it', async () => {
      const audit = await make();
      const flag = { kind: 'flag' as const, playerId: 'p1', eventId: randomUUID(), atMs: T0, verdict: FLAG };
      await audit.record(flag);
      await expect(audit.record({ ...flag, verdict: { ...FLAG, value: 1 } })).rejects.toBeInstanceOf(AuditConflictError);
      expect((await audit.entries({ playerId: 'p1', limit: 10 })).items).toEqual([flag]);
    });

    it('pages a player\'s entries: each page newest first, `next` only while more follow, nothing twice', async () => {
      const audit = await make();
      const flags = [0, 1, 2, 3, 4].map((i) => ({ kind: 'flag' as const, playerId: 'p1', eventId: randomUUID(), atMs: T0 + i * 1000, verdict: FLAG }));
      for (const flag of flags) await audit.record(flag);
      const seen: string[] = [];
      let after: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await audit.entries({ playerId: 'p1', limit: 2, ...(after === undefined ? {} : { after }) });
        sizes.push(page.items.length);
        seen.push(...page.items.map((e) => (e.kind === 'flag' ? e.eventId : '')));
        after = page.next;
      } while (after !== undefined);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(flags.map((f) => f.eventId).reverse());
      expect((await audit.entries({ playerId: 'p1', limit: 5 })).next).toBeUndefined();
    });

    it('quarantines an event whole, once, and lists newest first, per player or all', async () => {
      const audit = await make();
      const older = quarantined('p1', T0);
      const newer = quarantined('p1', T0 + 5);
      const other = quarantined('p2', T0 + 1);
      for (const item of [older, newer, other, older]) await audit.quarantine(item);
      expect(await audit.listQuarantine({ playerId: 'p1', limit: 10 })).toEqual({ items: [newer, older] });
      const firstPage = await audit.listQuarantine({ limit: 2 });
      expect(firstPage.items.map((q) => q.event.eventId)).toEqual([newer.event.eventId, other.event.eventId]);
      expect(firstPage.next).toBeDefined();
      const secondPage = await audit.listQuarantine({ limit: 2, ...(firstPage.next === undefined ? {} : { after: firstPage.next }) });
      expect(secondPage).toEqual({ items: [older] });
      expect(await audit.findQuarantined(other.event.eventId)).toEqual(other);
      expect(await audit.findQuarantined(randomUUID())).toBeUndefined();
    });

    it('pages one player\'s quarantine without the others\'', async () => {
      const audit = await make();
      const mine = [0, 1, 2].map((i) => quarantined('p1', T0 + i));
      for (const item of [...mine, quarantined('p2', T0 + 10), quarantined('p2', T0 - 10)]) await audit.quarantine(item);
      const first = await audit.listQuarantine({ playerId: 'p1', limit: 2 });
      expect(first.items).toEqual([mine[2], mine[1]]);
      expect(await audit.listQuarantine({ playerId: 'p1', limit: 2, ...(first.next === undefined ? {} : { after: first.next }) })).toEqual({ items: [mine[0]] });
    });

    it('keeps the first copy of an eventId quarantined again later (one row, found by id, listed once)', async () => {
      const audit = await make();
      const first = quarantined('p1', T0);
      const copy = { ...first, quarantinedAtMs: T0 + 60_000, traceparent: '00-11111111111111111111111111111111-2222222222222222-01' };
      await audit.quarantine(first);
      await audit.quarantine(copy);
      expect(await audit.listQuarantine({ limit: 10 })).toEqual({ items: [first] });
      expect(await audit.listQuarantine({ playerId: 'p1', limit: 10 })).toEqual({ items: [first] });
      expect(await audit.findQuarantined(first.event.eventId)).toEqual(first);
      const forged: QuarantinedEvent = { ...first, event: { ...first.event, type: 'boss_kill', payload: { bossId: 'dragon', tier: 3, points: 1 } } };
      await expect(audit.quarantine(forged)).rejects.toBeInstanceOf(AuditConflictError);
    });

    it('releases a quarantined event exactly once', async () => {
      const audit = await make();
      const item = quarantined('p3', T0);
      await audit.quarantine(item);
      const results = await Promise.all([1, 2, 3].map(() => audit.markReleased({ eventId: item.event.eventId, atMs: T0 + 9, by: 'admin' })));
      expect(results.filter((r) => r.outcome === 'released')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'already')).toHaveLength(2);
      expect((await audit.findQuarantined(item.event.eventId))?.released).toEqual({ atMs: T0 + 9, by: 'admin' });
      expect((await audit.markReleased({ eventId: randomUUID(), atMs: T0, by: 'admin' })).outcome).toBe('missing');
      expect((await audit.listQuarantine({ limit: 10 })).items.map((q) => q.released)).toEqual([{ atMs: T0 + 9, by: 'admin' }]);
      expect((await audit.listQuarantine({ playerId: 'p3', limit: 10 })).items.map((q) => q.released)).toEqual([{ atMs: T0 + 9, by: 'admin' }]);
    });

    // Issue #18: a reviewer keeps a flagged event out; one decision per event, whichever first.
    it('keeps a quarantined event exactly once, and never releases a kept one nor keeps a released one', async () => {
      const audit = await make();
      const item = quarantined('p4', T0);
      await audit.quarantine(item);
      const kept = { atMs: T0 + 5, by: 'token:alice', reason: 'confirmed speed hack' };
      const results = await Promise.all([1, 2].map(() => audit.markKept({ eventId: item.event.eventId, ...kept })));
      expect(results.map((r) => r.outcome).sort()).toEqual(['already', 'kept']);
      expect(await audit.markReleased({ eventId: item.event.eventId, atMs: T0 + 6, by: 'admin' })).toMatchObject({ outcome: 'already' });
      const stored = await audit.findQuarantined(item.event.eventId);
      expect(stored?.kept).toEqual(kept);
      expect(stored?.released).toBeUndefined();
      expect((await audit.listQuarantine({ playerId: 'p4', limit: 10 })).items.map((q) => q.kept)).toEqual([kept]);

      const other = quarantined('p5', T0);
      await audit.quarantine(other);
      await audit.markReleased({ eventId: other.event.eventId, atMs: T0 + 1, by: 'admin' });
      expect((await audit.markKept({ eventId: other.event.eventId, ...kept })).outcome).toBe('already');
      expect((await audit.markKept({ eventId: randomUUID(), ...kept })).outcome).toBe('missing');
    });
  });
}
