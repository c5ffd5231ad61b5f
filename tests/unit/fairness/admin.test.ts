import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminBlockPlayer, adminListQuarantine, adminPlayerFairness, adminReleaseQuarantined, adminUnblockPlayer } from '../../../src/functions/admin/fairness-admin.js';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, newEventBody, NOW_MS, signedRequest } from '../../support/gateway.js';

const GAME_KEY = 'game-client-key-0123456789abcdef0123456789';
const ENV = { HMAC_KEYS: JSON.stringify({ dev: 'liveops-dev-key-0000000000000000-not-for-production', game: GAME_KEY }), ADMIN_KEY_IDS: 'dev', SERVER_KEY_IDS: 'dev,game' };

describe('fairness admin routes', () => {
  it('refuse a valid signature from a key that is not an admin key (403) and unsigned calls (401)', async () => {
    const { app } = gatewayHarness(ENV);
    const get = handlerOf(adminPlayerFairness, app);
    const path = '/api/admin/players/player_42/fairness';
    const asGame = await get(signedRequest({ method: 'GET', path, body: '', kid: 'game', key: GAME_KEY, params: { playerId: 'player_42' } }));
    expect(asGame.status).toBe(403);
    expect(asGame.json().type).toBe('urn:liveops:problem:forbidden-key');
    const unsigned = await get(signedRequest({ method: 'GET', path, body: '', params: { playerId: 'player_42' }, headers: { 'x-signature': '' } }));
    expect(unsigned.status).toBe(401);
  });

  it('block → the gateway answers 403 with blockedUntil; unblock → 202 again; both audited', async () => {
    const { app } = gatewayHarness(ENV);
    const block = await handlerOf(adminBlockPlayer, app)(signedRequest({ path: '/api/admin/players/player_42/block', body: { seconds: 600, reason: 'chargeback fraud' }, params: { playerId: 'player_42' } }));
    expect(block.status).toBe(200);
    expect(block.json()).toEqual({ playerId: 'player_42', blockedUntil: new Date(NOW_MS + 600_000).toISOString() });
    const post = handlerOf(postEvent, app);
    expect((await post(signedRequest({ body: newEventBody() }))).status).toBe(403);

    const unblock = await handlerOf(adminUnblockPlayer, app)(signedRequest({ path: '/api/admin/players/player_42/unblock', body: { reason: 'appeal accepted' }, params: { playerId: 'player_42' } }));
    expect(unblock.status).toBe(200);
    expect((await post(signedRequest({ body: newEventBody() }))).status).toBe(202);

    const record = await handlerOf(adminPlayerFairness, app)(signedRequest({ method: 'GET', path: '/api/admin/players/player_42/fairness', body: '', params: { playerId: 'player_42' } }));
    expect(record.json()).toMatchObject({ playerId: 'player_42', flags: [], sanctions: [{ kind: 'admin-block', by: 'dev', reason: 'chargeback fraud' }, { kind: 'admin-unblock', by: 'dev' }] });
    expect(record.json()).not.toHaveProperty('blockedUntil');
  });

  it('validates the block body', async () => {
    const { app } = gatewayHarness(ENV);
    const res = await handlerOf(adminBlockPlayer, app)(signedRequest({ path: '/api/admin/players/player_42/block', body: { seconds: 0 }, params: { playerId: 'player_42' } }));
    expect(res.status).toBe(400);
    expect((res.json().errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['reason', 'seconds']);
  });

  it('lists quarantine and releases an event to the verified topic exactly once', async () => {
    const harness = gatewayHarness(ENV);
    const { app } = harness;
    const eventId = randomUUID();
    await app.fairness.audit.quarantine({
      event: { eventId, type: 'boss_kill', playerId: 'player_9', ts: NOW_MS, season: 1, payload: { bossId: 'dragon', tier: 3, points: 15_000 } },
      verdict: { kind: 'flag', rule: 'anomaly', value: 15_000, statistic: 40, threshold: 3.5 },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      quarantinedAtMs: NOW_MS,
    });
    const list = await handlerOf(adminListQuarantine, app)(signedRequest({ method: 'GET', path: '/api/admin/quarantine?playerId=player_9', body: '' }));
    expect((list.json().items as { event: { eventId: string } }[]).map((i) => i.event.eventId)).toEqual([eventId]);

    const release = handlerOf(adminReleaseQuarantined, app);
    const request = () => signedRequest({ path: `/api/admin/quarantine/${eventId}/release`, body: '', params: { eventId } });
    expect((await release(request())).status).toBe(200);
    expect((await release(request())).status).toBe(409);
    expect(harness.sent.map((m) => [m.messageId, m.applicationProperties.verdict])).toEqual([[eventId, 'pass']]);
    expect((await app.fairness.audit.entries({ playerId: 'player_9', limit: 10 })).items.map((e) => e.kind)).toEqual(['release']);
    const missing = randomUUID();
    expect((await release(signedRequest({ path: `/api/admin/quarantine/${missing}/release`, body: '', params: { eventId: missing } }))).status).toBe(404);
  });

  it('pages the quarantine and a player\'s record with limit, cursor and next, and refuses a foreign or forged cursor (#19 item 5)', async () => {
    const { app } = gatewayHarness(ENV);
    const ids = [0, 1, 2].map((i) => {
      const eventId = randomUUID();
      return { eventId, atMs: NOW_MS + i };
    });
    for (const { eventId, atMs } of ids) {
      await app.fairness.audit.quarantine({
        event: { eventId, type: 'boss_kill', playerId: 'player_9', ts: atMs, season: 1, payload: { bossId: 'dragon', tier: 3, points: 15_000 } },
        verdict: { kind: 'flag', rule: 'anomaly', value: 15_000, statistic: 40, threshold: 3.5 },
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        quarantinedAtMs: atMs,
      });
      await app.fairness.audit.record({ kind: 'flag', playerId: 'player_9', eventId, atMs, verdict: { kind: 'flag', rule: 'anomaly', value: 15_000, statistic: 40, threshold: 3.5 } });
    }
    const list = handlerOf(adminListQuarantine, app);
    const get = (query: string) => list(signedRequest({ method: 'GET', path: `/api/admin/quarantine${query}`, body: '' }));
    const eventIds = (body: Record<string, unknown>) => (body.items as { event: { eventId: string } }[]).map((i) => i.event.eventId);

    const first = (await get('?limit=2')).json();
    expect(eventIds(first)).toEqual([ids[2]?.eventId, ids[1]?.eventId]);
    expect(typeof first.next).toBe('string');
    const second = (await get(`?limit=2&cursor=${String(first.next)}`)).json();
    expect(eventIds(second)).toEqual([ids[0]?.eventId]);
    expect(second.next).toBeNull();

    // A cursor of the all-players listing does not silently restart a per-player one.
    const foreign = await get(`?playerId=player_9&limit=2&cursor=${String(first.next)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.json().type).toBe('urn:liveops:problem:validation');
    for (const bad of ['not-a-cursor!', Buffer.from('{"s":"quarantine:*","k":"x"}').toString('base64url')]) {
      const res = await get(`?cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect((res.json().errors as { path: string }[]).map((e) => e.path)).toEqual(['query.cursor']);
    }
    expect((await get('?limit=201')).status).toBe(400);

    const record = handlerOf(adminPlayerFairness, app);
    const fairness = (query: string) => record(signedRequest({ method: 'GET', path: `/api/admin/players/player_9/fairness${query}`, body: '', params: { playerId: 'player_9' } }));
    const page = (await fairness('?limit=2')).json();
    expect((page.flags as { eventId: string }[]).map((f) => f.eventId)).toEqual([ids[2]?.eventId, ids[1]?.eventId]);
    const rest = (await fairness(`?limit=2&cursor=${String(page.next)}`)).json();
    expect((rest.flags as { eventId: string }[]).map((f) => f.eventId)).toEqual([ids[0]?.eventId]);
    expect(rest.next).toBeNull();
    expect((await fairness(`?cursor=${String(first.next)}`)).status).toBe(400);
  });
});
