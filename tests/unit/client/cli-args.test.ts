import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_HMAC_KEY } from '../../../src/core/config/settings-key-rings.js';
import { describeFailure, resolveConnection, UsageError } from '../../../src/tools/cli.js';
import { LiveOpsError } from '../../../src/client/index.js';
import { parseSendArgs } from '../../../src/tools/send-args.js';
import { parseShare, parseSimulateArgs } from '../../../src/tools/simulate-args.js';

const BOSS = ['--type', 'boss_kill', '--player', 'player_42', '--payload', '{"bossId":"dragon","tier":3,"points":1500}'];

describe('npm run send arguments', () => {
  it('builds the event and defaults to the local host and the development key', () => {
    const args = parseSendArgs(BOSS, {}, () => 1234);
    if (args.help) throw new Error('unexpected help');
    expect(args.command.connection).toEqual({ url: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY });
    expect(args.command.event).toMatchObject({ type: 'boss_kill', playerId: 'player_42', ts: 1234, payload: { bossId: 'dragon', tier: 3, points: 1500 } });
    expect(args.command.idempotencyKey).toBeUndefined();
  });

  it('takes LIVEOPS_* from the environment, flags over environment', () => {
    const env = { LIVEOPS_URL: 'http://gw:80', LIVEOPS_KID: 'game1', LIVEOPS_KEY: 'k'.repeat(40) };
    const args = parseSendArgs([...BOSS, '--url', 'http://other:1', '--idempotency-key', 'abc', '--event-id', '7d0c2a4e-5f1b-4c2e-9a57-2f0e6b1c9d3a', '--ts', '99'], env);
    if (args.help) throw new Error('unexpected help');
    expect(args.command.connection).toEqual({ url: 'http://other:1', kid: 'game1', key: 'k'.repeat(40) });
    expect(args.command.idempotencyKey).toBe('abc');
    expect(args.command.event).toMatchObject({ eventId: '7d0c2a4e-5f1b-4c2e-9a57-2f0e6b1c9d3a', ts: 99 });
  });

  it('--help wins', () => {
    expect(parseSendArgs(['--help'], {})).toEqual({ help: true });
  });

  it.each<[string, string[], RegExp]>([
    ['a missing --type', BOSS.slice(2), /--type is required/],
    ['an unknown type', ['--type', 'cheat', ...BOSS.slice(2)], /--type must be one of/],
    ['payload that is not JSON', [...BOSS.slice(0, 4), '--payload', '{bad'], /--payload is not valid JSON/],
    ['payload that is not an object', [...BOSS.slice(0, 4), '--payload', '[1]'], /must be a JSON object/],
    ['an unknown flag', [...BOSS, '--bogus'], /Unknown option '--bogus'/],
    ['a kid without a key', [...BOSS, '--kid', 'game1'], /no key for kid 'game1'/],
  ])('refuses %s with a one-line UsageError', (_name, argv, message) => {
    expect(() => parseSendArgs(argv, {})).toThrow(UsageError);
    expect(() => parseSendArgs(argv, {})).toThrow(message);
  });

  it('passes an invalid payload through: judging it is the gateway’s job', () => {
    const args = parseSendArgs([...BOSS.slice(0, 4), '--payload', '{"tier":99}'], {});
    expect(args.help ? undefined : args.command.event.payload).toEqual({ tier: 99 });
  });
});

describe('npm run simulate arguments', () => {
  it('has defaults and derives a run id from the start time', () => {
    const args = parseSimulateArgs([], {}, 1_700_000_000_000);
    if (args.help) throw new Error('unexpected help');
    expect(args.command).toMatchObject({ players: 100, rate: 50, cheaterShare: 0.02, durationS: 60, batchSize: 0, seed: 42, concurrency: 256, runId: 'r' + (1_700_000_000).toString(36) });
  });

  it('parses the documented example', () => {
    const args = parseSimulateArgs(['--players', '1000', '--rate', '500', '--cheaters', '2%', '--batch', '100', '--seed', '7', '--run-id', 'demo'], {}, 0);
    expect(args.help ? undefined : args.command).toMatchObject({ players: 1000, rate: 500, cheaterShare: 0.02, batchSize: 100, seed: 7, runId: 'demo' });
  });

  it.each([
    ['2%', 0.02],
    ['0.02', 0.02],
    ['0', 0],
    ['100%', 1],
  ])('--cheaters %s → %s', (text, share) => {
    expect(parseShare(text)).toBeCloseTo(share);
  });

  it.each(['2', '-1%', 'lots', '', '150%'])('refuses --cheaters %j', (text) => {
    expect(() => parseShare(text)).toThrow(UsageError);
  });

  it.each<[string[], RegExp]>([
    [['--players', '0'], /--players/],
    [['--players', '2.5'], /--players must be an integer/],
    [['--rate', 'fast'], /--rate/],
    [['--duration', '100000'], /--duration/],
    [['--run-id', 'a b'], /--run-id/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateArgs(argv, {}, 0)).toThrow(message);
  });
});

describe('describeFailure', () => {
  it('is one line with the field errors, blockedUntil and Retry-After', () => {
    const error = new LiveOpsError({
      method: 'POST',
      path: '/api/events',
      status: 400,
      attempts: 1,
      problem: { type: 'urn:liveops:problem:validation', detail: 'The request is invalid (1 error)', errors: [{ path: 'payload.tier', message: 'too big' }] },
    });
    expect(describeFailure(error)).toBe('LiveOps POST /api/events failed: 400 urn:liveops:problem:validation: The request is invalid (1 error) — payload.tier: too big');
    const blocked = new LiveOpsError({ method: 'POST', path: '/api/events', status: 403, attempts: 1, retryAfterMs: 2500, problem: { type: 'urn:liveops:problem:player-blocked', blockedUntil: '2026-01-01T00:00:00.000Z' } });
    expect(describeFailure(blocked)).toMatch(/\(blocked until 2026-01-01T00:00:00.000Z\) \(retry after 3 s\)$/);
    expect(describeFailure(blocked)).not.toContain('\n');
  });

  it('resolveConnection treats empty environment values as unset', () => {
    expect(resolveConnection({}, { LIVEOPS_URL: '', LIVEOPS_KID: '', LIVEOPS_KEY: '' })).toEqual({ url: 'http://localhost:7071', kid: 'dev', key: DEVELOPMENT_HMAC_KEY });
  });
});
