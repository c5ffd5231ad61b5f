import { describe, it, expect } from 'vitest';
import { DEVELOPMENT_HMAC_KEY, DEVELOPMENT_RECEIPT_KEY, parseSettings } from '../../../src/core/config/settings.js';
import { errorOf, problemsOf } from './problems.js';

const KEY_A = 'a-very-secret-signing-key-0123456789abcdef';
const KEY_B = 'another-secret-signing-key-0123456789abcdef';
const ring = (keys: Record<string, unknown>): string => JSON.stringify(keys);
const servicebus = { BUS_KIND: 'servicebus', SERVICEBUS_NAMESPACE: 'liveops.servicebus.windows.net' };
const configuredReceipts = { RECEIPT_KEYS: ring({ r1: KEY_B }), PLAYER_TOKEN_KEYS: ring({ t1: KEY_B }) };

describe('HMAC_KEYS', () => {
  it('names a key shorter than 32 bytes without printing it', () => {
    const error = errorOf({ HMAC_KEYS: ring({ 'game-1': 'short-key!', ok: KEY_A }) });
    expect(error.message).toBe("HMAC_KEYS: key 'game-1' is 10 bytes; at least 32 required");
    expect(error.problems).toEqual([{ setting: 'HMAC_KEYS', rule: "key 'game-1' is 10 bytes; at least 32 required" }]);
    expect(error.message).not.toContain('short-key!');
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 16 two-byte characters: 16 characters, 32 bytes.
    expect(parseSettings({ HMAC_KEYS: ring({ k: 'é'.repeat(16) }) }).signing.hmacKeys.kids).toEqual(['k']);
    expect(problemsOf({ HMAC_KEYS: ring({ k: 'é'.repeat(15) }) })).toEqual(["HMAC_KEYS: key 'k' is 30 bytes; at least 32 required"]);
  });

  it('reports invalid JSON without echoing it', () => {
    const raw = `{"game-1": "${KEY_A}"`;
    const error = errorOf({ HMAC_KEYS: raw });
    expect(error.message).toBe('HMAC_KEYS: not valid JSON (expected {"kid":"secret",…})');
    expect(error.message).not.toContain(KEY_A);
    expect(JSON.stringify(error)).not.toContain(KEY_A);
    expect(error.cause).toBeUndefined();
  });

  it.each([
    ['an array', JSON.stringify([KEY_A]), 'HMAC_KEYS: must be a JSON object {"kid":"secret",…}'],
    ['a string', JSON.stringify(KEY_A), 'HMAC_KEYS: must be a JSON object {"kid":"secret",…}'],
    ['empty', '{}', 'HMAC_KEYS: must contain at least one key'],
    ['a non-string secret', ring({ k: 12345 }), "HMAC_KEYS: key 'k' must be a string"],
  ])('rejects %s', (_case, value, problem) => {
    expect(problemsOf({ HMAC_KEYS: value })).toEqual([problem]);
  });

  it('names a malformed kid by position only, since it may be a pasted secret', () => {
    const error = errorOf({ HMAC_KEYS: ring({ ok: KEY_A, [`${KEY_B} x`]: KEY_B }) });
    expect(error.message).toBe('HMAC_KEYS: key #2 has an invalid id; ids must match ^[A-Za-z0-9._-]{1,64}$');
    expect(error.message).not.toContain(KEY_B);
  });

  it('refuses the published development key when BUS_KIND=servicebus', () => {
    expect(problemsOf({ ...servicebus, ...configuredReceipts })).toEqual([
      'HMAC_KEYS: the published development key is refused when BUS_KIND=servicebus',
    ]);
    expect(problemsOf({ ...servicebus, ...configuredReceipts, HMAC_KEYS: ring({ mine: KEY_A, copied: DEVELOPMENT_HMAC_KEY }) })).toEqual([
      'HMAC_KEYS: the published development key is refused when BUS_KIND=servicebus',
    ]);
  });

  // Issue #19 item 8: a real service elsewhere makes this a deployment, whatever the bus.
  it.each([
    [{ REDIS_URL: 'rediss://:pw@liveops.redis.cache.windows.net:6380' }, 'REDIS_URL points at another machine'],
    [{ MYSQL_URL: 'mysql://liveops@10.0.4.7:3306/liveops' }, 'MYSQL_URL points at another machine'],
    [{ TABLES_ENDPOINT: 'https://stliveops.table.core.windows.net' }, 'TABLES_ENDPOINT points at another machine'],
    [{ TABLES_CONNECTION: 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=a2V5;EndpointSuffix=core.windows.net' }, 'TABLES_CONNECTION points at another machine'],
  ])('refuses the published development keys with a remote service (%o)', (env, why) => {
    expect(problemsOf({ ...env, ...configuredReceipts })).toEqual([`HMAC_KEYS: the published development key is refused when ${why}`]);
  });

  // Issue #19 item 7: an embedded host other machines can reach is an admin API for the LAN.
  it('refuses them when the embedded host listens beyond loopback, and keeps them on 127.0.0.1 and ::1', () => {
    expect(problemsOf({ LISTEN_ADDRESS: '0.0.0.0', ...configuredReceipts })).toEqual(['HMAC_KEYS: the published development key is refused when LISTEN_ADDRESS=0.0.0.0 is reachable from other machines']);
    expect(parseSettings({ LISTEN_ADDRESS: '0.0.0.0', HMAC_KEYS: ring({ game: KEY_A }), ...configuredReceipts }).listenAddress).toBe('0.0.0.0');
    expect(parseSettings({}).listenAddress).toBe('127.0.0.1');
    expect(parseSettings({ LISTEN_ADDRESS: '::1' }).signing.hmacKeysSource).toBe('development');
    expect(problemsOf({ LISTEN_ADDRESS: 'everywhere' })).toEqual(['LISTEN_ADDRESS: must be an IPv4 or IPv6 address, e.g. 127.0.0.1 or 0.0.0.0']);
  });

  it('keeps them for services on this machine, so npm start with local Redis, MariaDB and Azurite needs no keys', () => {
    const local = parseSettings({
      REDIS_URL: 'redis://127.0.0.1:6379',
      MYSQL_URL: 'mysql://root@localhost:3306/test',
      TABLES_CONNECTION: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;',
    });
    expect(local.signing.hmacKeysSource).toBe('development');
    expect(parseSettings({ TABLES_CONNECTION: 'UseDevelopmentStorage=true' }).signing.hmacKeysSource).toBe('development');
  });
});

describe('ADMIN_KEY_IDS', () => {
  const keys = { HMAC_KEYS: ring({ 'game-1': KEY_A, ops: KEY_B }) };

  it('trims entries and drops empty ones', () => {
    expect(parseSettings({ ...keys, ADMIN_KEY_IDS: ' ops ,, game-1 ' }).signing.adminKeyIds).toEqual(['ops', 'game-1']);
  });

  it('names a kid that is not in HMAC_KEYS', () => {
    expect(problemsOf({ ...keys, ADMIN_KEY_IDS: 'ops,root' })).toEqual(["ADMIN_KEY_IDS: 'root' is not a kid in HMAC_KEYS"]);
  });

  it('checks against the development ring too', () => {
    expect(problemsOf({ ADMIN_KEY_IDS: 'ops' })).toEqual(["ADMIN_KEY_IDS: 'ops' is not a kid in HMAC_KEYS"]);
  });

  it('does not pile a follow-up problem on a broken HMAC_KEYS', () => {
    expect(problemsOf({ HMAC_KEYS: 'nope', ADMIN_KEY_IDS: 'ops' })).toEqual([
      'HMAC_KEYS: not valid JSON (expected {"kid":"secret",…})',
    ]);
  });
});

describe('RECEIPT_KEYS and RECEIPT_ACTIVE_KID', () => {
  it('uses the only key as the active one', () => {
    expect(parseSettings(configuredReceipts).receipts).toMatchObject({ keysSource: 'configured', activeKid: 'r1' });
  });

  it('requires RECEIPT_ACTIVE_KID when the ring holds several keys', () => {
    const two = { RECEIPT_KEYS: ring({ r1: KEY_A, r2: KEY_B }) };
    expect(problemsOf(two)).toEqual(['RECEIPT_ACTIVE_KID: required when RECEIPT_KEYS holds more than one key']);
    expect(parseSettings({ ...two, RECEIPT_ACTIVE_KID: 'r2' }).receipts.activeKid).toBe('r2');
  });

  it('requires the active kid to be in the ring', () => {
    expect(problemsOf({ ...configuredReceipts, RECEIPT_ACTIVE_KID: 'r9' })).toEqual([
      "RECEIPT_ACTIVE_KID: 'r9' is not a kid in RECEIPT_KEYS",
    ]);
    expect(problemsOf({ RECEIPT_ACTIVE_KID: 'r1' })).toEqual(["RECEIPT_ACTIVE_KID: 'r1' is not a kid in RECEIPT_KEYS"]);
  });

  it('applies the ring rules', () => {
    const error = errorOf({ RECEIPT_KEYS: ring({ r1: 'tiny-receipt-key' }) });
    expect(error.message).toBe("RECEIPT_KEYS: key 'r1' is 16 bytes; at least 32 required");
    expect(error.message).not.toContain('tiny-receipt-key');
    expect(problemsOf({ RECEIPT_KEYS: '[' })).toEqual(['RECEIPT_KEYS: not valid JSON (expected {"kid":"secret",…})']);
  });

  it('refuses the published development receipt key when BUS_KIND=servicebus', () => {
    const hmac = { HMAC_KEYS: ring({ k: KEY_A }), PLAYER_TOKEN_KEYS: ring({ t1: KEY_B }) };
    expect(problemsOf({ ...servicebus, ...hmac })).toEqual([
      'RECEIPT_KEYS: the published development key is refused when BUS_KIND=servicebus',
    ]);
    expect(problemsOf({ ...servicebus, ...hmac, RECEIPT_KEYS: ring({ r: DEVELOPMENT_RECEIPT_KEY }) })).toEqual([
      'RECEIPT_KEYS: the published development key is refused when BUS_KIND=servicebus',
    ]);
  });

  it('accepts configured rings with the real bus, and never prints them', () => {
    const settings = parseSettings({ ...servicebus, HMAC_KEYS: ring({ k: KEY_A }), ...configuredReceipts });
    expect(settings.signing.hmacKeysSource).toBe('configured');
    expect(JSON.stringify(settings)).not.toContain(KEY_A);
    expect(JSON.stringify(settings)).not.toContain(KEY_B);
  });
});
