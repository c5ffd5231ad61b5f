import { describe, expect, it } from 'vitest';
import { adminBlockPlayer, adminPlayerFairness, adminUnblockPlayer } from '../../../src/functions/admin/fairness-admin.js';
import { postEvent } from '../../../src/functions/gateway/events.js';
import { gatewayHarness, handlerOf, header, newEventBody, NOW_MS, signedRequest } from '../../support/gateway.js';

const PLAYER = 'player_42';
const params = { playerId: PLAYER };
const unblockPath = `/api/admin/players/${PLAYER}/unblock`;
const blockPath = `/api/admin/players/${PLAYER}/block`;

/** A harness whose clock the test moves: a replay comes seconds after the captured request. */
function harness() {
  let nowMs = NOW_MS;
  const { app } = gatewayHarness({}, () => nowMs);
  return {
    app,
    advance: (ms: number) => { nowMs += ms; },
    block: handlerOf(adminBlockPlayer, app),
    unblock: handlerOf(adminUnblockPlayer, app),
    /** 403 while the player is blocked, 202 otherwise. */
    eventStatus: async () => (await handlerOf(postEvent, app)(signedRequest({ body: newEventBody({ playerId: PLAYER }), tS: Math.floor(nowMs / 1000) }))).status,
    sanctions: async () => {
      const record = await handlerOf(adminPlayerFairness, app)(signedRequest({ method: 'GET', path: `/api/admin/players/${PLAYER}/fairness`, body: '', params, tS: Math.floor(nowMs / 1000) }));
      return (record.json().sanctions as { kind: string }[]).map((s) => s.kind);
    },
  };
}

// Issue #19 item 3: admin writes were signed without any per-request nonce, so the bytes of one
// captured request stayed valid for the whole signing window.
describe('admin writes cannot be replayed', () => {
  it('a captured unblock sent again after a newer block gets the stored answer and the block stays', async () => {
    const h = harness();
    const tS = Math.floor(NOW_MS / 1000);
    expect((await h.block(signedRequest({ path: blockPath, body: { seconds: 600, reason: 'first offence' }, params, tS }))).status).toBe(200);
    h.advance(1_000);
    const captured = () => signedRequest({ path: unblockPath, body: { reason: 'appeal accepted' }, params, tS: tS + 1, idempotencyKey: 'unblock-1' });
    expect((await h.unblock(captured())).status).toBe(200);
    expect(await h.eventStatus()).toBe(202);

    h.advance(30_000);
    expect((await h.block(signedRequest({ path: blockPath, body: { seconds: 600, reason: 'caught again' }, params, tS: tS + 30 }))).status).toBe(200);
    h.advance(30_000);
    const replay = await h.unblock(captured());
    expect(replay.status).toBe(200);
    expect(header(replay, 'Idempotent-Replayed')).toBe('true');
    expect(await h.eventStatus()).toBe(403);
    // Newest first: the replay added no second unblock.
    expect(await h.sanctions()).toEqual(['admin-block', 'admin-unblock', 'admin-block']);
  });

  it('the same captured request under a fresh Idempotency-Key fails the signature, which covers the key', async () => {
    const h = harness();
    await h.block(signedRequest({ path: blockPath, body: { seconds: 600, reason: 'x' }, params }));
    const forged = await h.unblock(signedRequest({ path: unblockPath, body: { reason: 'y' }, params, idempotencyKey: 'attacker-key', signIdempotencyKey: 'unblock-1' }));
    expect(forged.status).toBe(401);
    expect(forged.json().type).toBe('urn:liveops:problem:signature-mismatch');
    expect(await h.eventStatus()).toBe(403);
  });

  it('an Idempotency-Key that the signature leaves out is refused (401): a five-line signature no longer signs an admin write', async () => {
    const h = harness();
    const res = await h.unblock(signedRequest({ path: unblockPath, body: { reason: 'y' }, params, idempotencyKey: 'k-1', signIdempotencyKey: null }));
    expect(res.status).toBe(401);
  });

  it('an admin write without an Idempotency-Key is refused with 400 idempotency-key-required and does nothing', async () => {
    const h = harness();
    const res = await h.block(signedRequest({ path: blockPath, body: { seconds: 600, reason: 'x' }, params, idempotencyKey: null }));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ type: 'urn:liveops:problem:idempotency-key-required', status: 400 });
    expect(await h.eventStatus()).toBe(202);
    expect(await h.sanctions()).toEqual([]);
  });

  it('the same key with another body is 422, and reads (GET) need no key', async () => {
    const h = harness();
    expect((await h.block(signedRequest({ path: blockPath, body: { seconds: 600, reason: 'x' }, params, idempotencyKey: 'k-1' }))).status).toBe(200);
    const other = await h.block(signedRequest({ path: blockPath, body: { seconds: 60, reason: 'x' }, params, idempotencyKey: 'k-1' }));
    expect(other.status).toBe(422);
    expect(await h.sanctions()).toEqual(['admin-block']);
  });

  it('admin keys do not share a key space with their own event writes', async () => {
    const h = harness();
    // The dev key is a server key too: its event request under Idempotency-Key k-1 must not answer
    // (or block) an admin write under the same key.
    const event = await handlerOf(postEvent, h.app)(signedRequest({ body: newEventBody({ playerId: 'someone_else' }), headers: { 'Idempotency-Key': 'k-1' } }));
    expect(event.status).toBe(202);
    const block = await h.block(signedRequest({ path: blockPath, body: { seconds: 600, reason: 'x' }, params, idempotencyKey: 'k-1' }));
    expect(block.status).toBe(200);
    expect(header(block, 'Idempotent-Replayed')).toBeNull();
  });
});
