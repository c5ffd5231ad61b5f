import { describe, expect, it } from 'vitest';
import { parseDlqArgs } from '../../../src/tools/dlq-args.js';
import { UsageError } from '../../../src/tools/cli.js';

describe('npm run dlq arguments', () => {
  it('defaults to the embedded host with the dev key, and to Service Bus when its settings are present', () => {
    expect(parseDlqArgs(['list'], {})).toMatchObject({ help: false, command: { kind: 'list', filter: {} }, target: { kind: 'embedded', connection: { url: 'http://localhost:7071', kid: 'dev' } } });
    expect(parseDlqArgs(['list', '--reason', 'InvalidEnvelope'], { SERVICEBUS_NAMESPACE: 'x.servicebus.windows.net' })).toMatchObject({ command: { filter: { reason: 'InvalidEnvelope' } }, target: { kind: 'servicebus' } });
  });

  it('reads show <id> and replay filters with --dry-run', () => {
    expect(parseDlqArgs(['show', 'evt-1'], {})).toMatchObject({ command: { kind: 'show', filter: { messageId: 'evt-1' } } });
    expect(parseDlqArgs(['replay', '--entity', 'liveops-ingress', '--dry-run'], {})).toMatchObject({ command: { kind: 'replay', dryRun: true, filter: { entity: 'liveops-ingress' } } });
  });

  it('refuses what it cannot mean', () => {
    expect(() => parseDlqArgs([], {})).toThrow(UsageError);
    expect(() => parseDlqArgs(['show'], {})).toThrow(/needs a messageId/);
    expect(() => parseDlqArgs(['replay', 'evt-1'], {})).toThrow(/--id/);
    expect(() => parseDlqArgs(['list', '--target', 'azure'], {})).toThrow(/servicebus or embedded/);
  });
});
