import { describe, expect, it } from 'vitest';
import { authenticate, keyRolesOf, mayAct, type KeyRoles, type RouteAccess, type TokenState } from '../../../src/core/auth/access.js';
import type { EventType } from '../../../src/core/ingestion/envelope.js';

/**
 * The decision table of DESIGN §2a: key role × route × token state, then × event type and
 * player. Each row is written out, so the table here is the specification the code must meet.
 */
const ROLES: Readonly<Record<string, KeyRoles | undefined>> = {
  server: { server: true, admin: false },
  'server+admin': { server: true, admin: true },
  admin: { server: false, admin: true },
  client: { server: false, admin: false },
  unsigned: undefined,
};
const TOKENS: Readonly<Record<string, TokenState>> = {
  absent: { state: 'absent' },
  expired: { state: 'invalid', reason: 'expired' },
  valid: { state: 'valid', playerId: 'alice' },
};

type Outcome = 'server' | 'admin' | 'player' | 'token-missing' | 'token-invalid' | 'server-only' | 'admin-only' | 'not-admin';

// role, route, token → outcome
const TABLE: readonly (readonly [string, RouteAccess, string, Outcome])[] = [
  ['server', 'player-or-server', 'absent', 'server'],
  ['server', 'player-or-server', 'expired', 'server'],
  ['server', 'player-or-server', 'valid', 'server'],
  ['server', 'player-read', 'absent', 'server'],
  ['server', 'server-only', 'absent', 'server'],
  ['server', 'admin', 'absent', 'not-admin'],
  ['server+admin', 'player-or-server', 'absent', 'server'],
  ['server+admin', 'server-only', 'absent', 'server'],
  ['server+admin', 'admin', 'absent', 'admin'],
  ['admin', 'admin', 'absent', 'admin'],
  ['admin', 'player-or-server', 'valid', 'admin-only'],
  ['admin', 'server-only', 'absent', 'admin-only'],
  ['admin', 'player-read', 'valid', 'admin-only'],
  ['client', 'player-or-server', 'absent', 'token-missing'],
  ['client', 'player-or-server', 'expired', 'token-invalid'],
  ['client', 'player-or-server', 'valid', 'player'],
  ['client', 'player-read', 'absent', 'token-missing'],
  ['client', 'player-read', 'expired', 'token-invalid'],
  ['client', 'player-read', 'valid', 'player'],
  ['client', 'server-only', 'valid', 'server-only'],
  ['client', 'admin', 'valid', 'not-admin'],
  ['unsigned', 'player-read', 'absent', 'token-missing'],
  ['unsigned', 'player-read', 'expired', 'token-invalid'],
  ['unsigned', 'player-read', 'valid', 'player'],
  ['unsigned', 'player-or-server', 'valid', 'server-only'],
  ['unsigned', 'admin', 'valid', 'not-admin'],
];

describe('authenticate: role × route × token state', () => {
  for (const [role, access, token, expected] of TABLE) {
    it(`${role} key on a ${access} route with ${token} token → ${expected}`, async () => {
      let tokenRead = false;
      const decision = await authenticate({
        access,
        kid: role === 'unsigned' ? undefined : `kid-${role}`,
        roles: ROLES[role],
        token: () => {
          tokenRead = true;
          return Promise.resolve(TOKENS[token] ?? { state: 'absent' });
        },
      });
      const outcome = decision.ok ? decision.value.kind : decision.refusal.kind;
      expect(outcome).toBe(expected);
      if (decision.ok && decision.value.kind === 'player') expect(decision.value.playerId).toBe('alice');
      // A token is verified only when the answer depends on it: servers and admins never pay for one.
      expect(tokenRead).toBe(['player', 'token-missing', 'token-invalid'].includes(expected));
    });
  }

  it('carries the reason of an invalid token', async () => {
    const decision = await authenticate({ access: 'player-or-server', kid: 'c', roles: ROLES.client, token: () => Promise.resolve({ state: 'invalid', reason: 'audience' }) });
    expect(decision).toEqual({ ok: false, refusal: { kind: 'token-invalid', reason: 'audience' } });
  });
});

describe('mayAct: per event and per claim', () => {
  const player = { kind: 'player', kid: 'c', playerId: 'alice' } as const;
  const server = { kind: 'server', kid: 's' } as const;
  const clientEventTypes: readonly EventType[] = ['progression', 'drop_claimed'];
  const rows: readonly (readonly [typeof player | typeof server, string, EventType | undefined, string | undefined])[] = [
    [player, 'alice', 'progression', undefined],
    [player, 'alice', 'drop_claimed', undefined],
    [player, 'alice', 'boss_kill', 'event-type-not-allowed'],
    [player, 'alice', 'match_end', 'event-type-not-allowed'],
    [player, 'bob', 'progression', 'player-mismatch'],
    [player, 'bob', 'boss_kill', 'player-mismatch'],
    [player, 'alice', undefined, undefined],
    [player, 'bob', undefined, 'player-mismatch'],
    [server, 'bob', 'boss_kill', undefined],
    [server, 'bob', 'match_end', undefined],
    [server, 'bob', undefined, undefined],
  ];
  for (const [actor, playerId, eventType, expected] of rows) {
    it(`${actor.kind} acting for ${playerId} with ${eventType ?? 'a claim'} → ${expected ?? 'allowed'}`, () => {
      const refusal = mayAct({ actor, playerId, ...(eventType === undefined ? {} : { eventType }), clientEventTypes });
      expect(refusal?.kind).toBe(expected);
    });
  }

  it('follows CLIENT_EVENT_TYPES, not a fixed list', () => {
    expect(mayAct({ actor: player, playerId: 'alice', eventType: 'boss_kill', clientEventTypes: ['boss_kill'] })).toBeUndefined();
    expect(mayAct({ actor: player, playerId: 'alice', eventType: 'progression', clientEventTypes: ['boss_kill'] })?.kind).toBe('event-type-not-allowed');
  });
});

describe('keyRolesOf', () => {
  it('a kid in neither list is a client key', () => {
    const lists = { serverKeyIds: ['s', 'both'], adminKeyIds: ['a', 'both'] };
    expect(keyRolesOf('s', lists)).toEqual({ server: true, admin: false });
    expect(keyRolesOf('both', lists)).toEqual({ server: true, admin: true });
    expect(keyRolesOf('a', lists)).toEqual({ server: false, admin: true });
    expect(keyRolesOf('c', lists)).toEqual({ server: false, admin: false });
  });
});
