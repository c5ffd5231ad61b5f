import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FairnessAudit, QuarantinedEvent } from '../../src/core/fairness/audit.js';

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
    it('keeps a player\'s entries in time order and stores a repeated fact once', async () => {
      const audit = await make();
      const flag = { kind: 'flag' as const, playerId: 'p1', eventId: randomUUID(), atMs: T0 + 1, verdict: FLAG };
      const block = { kind: 'sanction' as const, playerId: 'p1', eventId: flag.eventId, atMs: T0 + 2, untilMs: T0 + 60_002, seconds: 60, reason: '3 flags in 3600 s' };
      await audit.record(block);
      await audit.record(flag);
      await audit.record(flag);
      await audit.record({ kind: 'flag', playerId: 'p2', eventId: randomUUID(), atMs: T0, verdict: FLAG });
      expect(await audit.entries('p1')).toEqual([flag, block]);
      expect(await audit.entries('nobody')).toEqual([]);
    });

    it('quarantines an event whole, once, and lists newest first, per player or all', async () => {
      const audit = await make();
      const older = quarantined('p1', T0);
      const newer = quarantined('p1', T0 + 5);
      const other = quarantined('p2', T0 + 1);
      for (const item of [older, newer, other, older]) await audit.quarantine(item);
      expect(await audit.listQuarantine({ playerId: 'p1', limit: 10 })).toEqual([newer, older]);
      expect((await audit.listQuarantine({ limit: 2 })).map((q) => q.event.eventId)).toEqual([newer.event.eventId, other.event.eventId]);
      expect(await audit.findQuarantined(other.event.eventId)).toEqual(other);
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
    });
  });
}
