import { HttpRequest } from '@azure/functions';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminTokenKey, mintAdminToken, verifyAdminToken } from '../../../src/core/auth/admin-tokens.js';
import { KeyRing } from '../../../src/core/config/key-ring.js';
import { DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { adminBlockPlayer, adminPlayerFairness } from '../../../src/functions/admin/fairness-admin.js';
import { postSession } from '../../../src/functions/auth/sessions.js';
import { adminWhoAmI } from '../../../src/functions/admin/whoami.js';
import { parseAdminTokenArgs, parseTtl } from '../../../src/tools/admin-token-args.js';
import { gatewayHarness, handlerOf, NOW_MS, signedRequest } from '../../support/gateway.js';

// Issue #18 item 2: staff sign in with a bearer token instead of an HMAC key.
const OPS_KEY = 'ops-admin-key-0123456789abcdef0123456789';
const GAME_KEY = 'game-server-key-0123456789abcdef012345678';
const ENV = { HMAC_KEYS: JSON.stringify({ ops: OPS_KEY, game: GAME_KEY }), ADMIN_KEY_IDS: 'ops', SERVER_KEY_IDS: 'game' };
const ring = { keys: new KeyRing({ ops: OPS_KEY, game: GAME_KEY }), adminKeyIds: ['ops'] };
const H = 3600;

const mint = (overrides: Partial<Parameters<typeof mintAdminToken>[0]> = {}) =>
  mintAdminToken({ kid: 'ops', hmacKey: Buffer.from(OPS_KEY), name: 'alice@studio', role: 'admin', ttlS: 8 * H, nowMs: NOW_MS, ...overrides }).then((m) => m.token);

function bearerRequest(options: { readonly token: string; readonly method?: 'GET' | 'POST'; readonly path: string; readonly params: Record<string, string>; readonly body?: unknown; readonly idempotencyKey?: string }): HttpRequest {
  const method = options.method ?? 'POST';
  return new HttpRequest({
    method,
    url: `http://localhost:7071${options.path}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}`, ...(options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey }) },
    params: options.params,
    ...(method === 'GET' ? {} : { body: { string: JSON.stringify(options.body ?? {}) } }),
  });
}

describe('admin tokens', () => {
  it('verify while valid and name who, which role, which kid minted them', async () => {
    expect(await verifyAdminToken({ token: await mint(), ring, nowMs: NOW_MS + H * 1000 })).toMatchObject({ state: 'valid', kid: 'ops', name: 'alice@studio', role: 'admin' });
    expect(await verifyAdminToken({ token: await mint({ role: 'viewer' }), ring, nowMs: NOW_MS })).toMatchObject({ state: 'valid', role: 'viewer' });
  });

  it('refuse expired, foreign, forged and confused tokens with a reason', async () => {
    expect(await verifyAdminToken({ token: await mint({ ttlS: 60 }), ring, nowMs: NOW_MS + 61_000 })).toEqual({ state: 'invalid', reason: 'expired' });
    // Minted under a kid that is not (or no longer) an admin key.
    expect(await verifyAdminToken({ token: await mint({ kid: 'game', hmacKey: Buffer.from(GAME_KEY) }), ring, nowMs: NOW_MS })).toEqual({ state: 'invalid', reason: 'unknown-key' });
    // The raw HMAC secret, not the derived key: a token is never signed like a request.
    const raw = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: 'ops' }).setIssuer('liveops').setAudience('liveops-admin').setSubject('mallory').setJti('x').setIssuedAt(NOW_MS / 1000).setExpirationTime(NOW_MS / 1000 + 60).sign(Buffer.from(OPS_KEY));
    expect(await verifyAdminToken({ token: raw, ring, nowMs: NOW_MS })).toEqual({ state: 'invalid', reason: 'signature' });
    // The right key but a player token's audience.
    const player = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: 'ops' }).setIssuer('liveops').setAudience('liveops').setSubject('mallory').setJti('x').setIssuedAt(NOW_MS / 1000).setExpirationTime(NOW_MS / 1000 + 60).sign(adminTokenKey(Buffer.from(OPS_KEY)));
    expect(await verifyAdminToken({ token: player, ring, nowMs: NOW_MS })).toEqual({ state: 'invalid', reason: 'audience' });
    const superuser = await new SignJWT({ role: 'root' }).setProtectedHeader({ alg: 'HS256', kid: 'ops' }).setIssuer('liveops').setAudience('liveops-admin').setSubject('mallory').setJti('x').setIssuedAt(NOW_MS / 1000).setExpirationTime(NOW_MS / 1000 + 60).sign(adminTokenKey(Buffer.from(OPS_KEY)));
    expect(await verifyAdminToken({ token: superuser, ring, nowMs: NOW_MS })).toEqual({ state: 'invalid', reason: 'claims' });
    const [head = '', , sig = ''] = (await mint()).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'ops' })).toString('base64url')}.${(await mint()).split('.')[1] ?? ''}.`;
    expect(await verifyAdminToken({ token: none, ring, nowMs: NOW_MS })).toEqual({ state: 'invalid', reason: 'algorithm' });
    expect(await verifyAdminToken({ token: `${head}.e30.${sig}`, ring, nowMs: NOW_MS })).toMatchObject({ state: 'invalid' });
    expect(await verifyAdminToken({ token: 'not-a-jwt', ring, nowMs: NOW_MS })).toEqual({ state: 'invalid', reason: 'malformed' });
  });

  it('are minted for at most 24 h, for a handle-like name', async () => {
    await expect(mint({ ttlS: 25 * H })).rejects.toThrow(/ttl/);
    await expect(mint({ name: 'Robert"); DROP' })).rejects.toThrow(/name/);
  });
});

describe('admin routes with a staff token', () => {
  const path = '/api/admin/players/player_42/block';
  const params = { playerId: 'player_42' };

  it('an admin token acts, audited under its name; it needs an Idempotency-Key like any admin write', async () => {
    const { app } = gatewayHarness(ENV);
    const token = await mint();
    const block = handlerOf(adminBlockPlayer, app);
    expect((await block(bearerRequest({ token, path, params, body: { seconds: 60, reason: 'review' } }))).status).toBe(400);
    const res = await block(bearerRequest({ token, path, params, body: { seconds: 60, reason: 'review' }, idempotencyKey: 'console-1' }));
    expect(res.status).toBe(200);
    const record = await handlerOf(adminPlayerFairness, app)(bearerRequest({ token, method: 'GET', path: '/api/admin/players/player_42/fairness', params }));
    expect(record.json()).toMatchObject({ sanctions: [{ kind: 'admin-block', by: 'token:alice@studio', reason: 'review' }] });
  });

  it('a viewer token reads but is refused an action with 403 forbidden-role', async () => {
    const { app } = gatewayHarness(ENV);
    const token = await mint({ name: 'cm-bob', role: 'viewer' });
    const read = await handlerOf(adminPlayerFairness, app)(bearerRequest({ token, method: 'GET', path: '/api/admin/players/player_42/fairness', params }));
    expect(read.status).toBe(200);
    const act = await handlerOf(adminBlockPlayer, app)(bearerRequest({ token, path, params, body: { seconds: 60, reason: 'x' }, idempotencyKey: 'k' }));
    expect(act.status).toBe(403);
    expect(act.json()).toMatchObject({ type: 'urn:liveops:problem:forbidden-role' });
  });

  it('an expired, malformed or player token is a 401 token-invalid with the reason', async () => {
    let nowMs = NOW_MS;
    const { app } = gatewayHarness(ENV, () => nowMs);
    const get = handlerOf(adminPlayerFairness, app);
    const read = (token: string) => get(bearerRequest({ token, method: 'GET', path: '/api/admin/players/player_42/fairness', params }));
    const short = await mint({ ttlS: 60 });
    nowMs += 120_000;
    const expired = await read(short);
    expect(expired.status).toBe(401);
    expect(expired.json()).toMatchObject({ type: 'urn:liveops:problem:token-invalid', reason: 'expired', detail: 'The admin token has expired; sign in again' });
    expect((await read('***')).json()).toMatchObject({ reason: 'malformed' });
    // A player's session token (minted by a server key) is no admin token.
    const session = await handlerOf(postSession, app)(signedRequest({ path: '/api/sessions', body: { playerId: 'player_42' }, kid: 'game', key: GAME_KEY, tS: Math.floor(nowMs / 1000) }));
    expect(session.status).toBe(201);
    const playerToken = String(session.json().token);
    expect((await read(playerToken)).json()).toMatchObject({ status: 401, type: 'urn:liveops:problem:token-invalid' });
  });

  it('GET /api/admin/whoami says who acts and with which role, for a token and for a signature', async () => {
    const { app } = gatewayHarness(ENV);
    const whoami = handlerOf(adminWhoAmI, app);
    const viewer = await mint({ name: 'cm-bob', role: 'viewer' });
    expect((await whoami(bearerRequest({ token: viewer, method: 'GET', path: '/api/admin/whoami', params: {} }))).json()).toEqual({ by: 'token:cm-bob', role: 'viewer' });
    expect((await whoami(signedRequest({ method: 'GET', path: '/api/admin/whoami', body: '', kid: 'ops', key: OPS_KEY }))).json()).toEqual({ by: 'ops', role: 'admin' });
  });

  it('a signed request still works, and a signature wins over a bearer header', async () => {
    const { app } = gatewayHarness({ ...ENV, ADMIN_KEY_IDS: 'ops' });
    const res = await handlerOf(adminPlayerFairness, app)(signedRequest({ method: 'GET', path: '/api/admin/players/player_42/fairness', body: '', params, kid: 'game', key: GAME_KEY, headers: { authorization: `Bearer ${await mint()}` } }));
    // Signed by a server key that is no admin key: 403, whatever token rides along.
    expect(res.status).toBe(403);
  });
});

describe('npm run admin-token', () => {
  it('parses lifetimes and refuses more than a day', () => {
    expect([parseTtl('8h'), parseTtl('30m'), parseTtl('90s'), parseTtl('3600')]).toEqual([8 * H, 1800, 90, 3600]);
    expect(() => parseTtl('25h')).toThrow(/--ttl/);
    expect(() => parseTtl('1w')).toThrow(/--ttl/);
  });

  it('defaults to a viewer token of 8 h minted with the dev key, and checks the name and role', () => {
    expect(parseAdminTokenArgs(['--name', 'alice@studio'], {})).toEqual({ help: false, command: { kid: 'dev', key: DEVELOPMENT_HMAC_KEY, name: 'alice@studio', role: 'viewer', ttlS: 8 * H } });
    expect(() => parseAdminTokenArgs([], {})).toThrow(/--name/);
    expect(() => parseAdminTokenArgs(['--name', 'a', '--role', 'root'], {})).toThrow(/--role/);
    expect(parseAdminTokenArgs(['--name', 'a', '--kid', 'ops'], { LIVEOPS_KEY: OPS_KEY })).toMatchObject({ command: { kid: 'ops', key: OPS_KEY } });
  });
});
