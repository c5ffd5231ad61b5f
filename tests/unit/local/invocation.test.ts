import { output } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../src/adapters/logging/json-logger.js';
import { createInvocationContext } from '../../../src/local/invocation.js';

describe('createInvocationContext', () => {
  it('gives each invocation its own id, the trigger, and its metadata', () => {
    const logger = createJsonLogger({ level: 'debug', write: () => undefined });
    const a = createInvocationContext({ functionName: 'getLeaderboard', triggerType: 'httpTrigger', logger });
    const b = createInvocationContext({ functionName: 'leaderboard', triggerType: 'serviceBusTrigger', logger, triggerMetadata: { deliveryCount: 2 } });
    expect(a.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.invocationId).not.toBe(b.invocationId);
    expect(a.options.trigger).toEqual({ type: 'httpTrigger', name: 'trigger' });
    expect(a.triggerMetadata).toEqual({});
    expect(b.triggerMetadata).toEqual({ deliveryCount: 2 });
  });

  it("routes context.log to the app logger at the host's levels, with the function and invocation id", () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'debug', write: (line) => lines.push(line) });
    const context = createInvocationContext({ functionName: 'snapshot', triggerType: 'timerTrigger', logger });
    context.log('hello', { n: 1 });
    context.warn('careful');
    context.error('broken');
    context.trace('detail');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => [l.level, l.msg])).toEqual([['info', 'hello {"n":1}'], ['warn', 'careful'], ['error', 'broken'], ['debug', 'detail']]);
    expect(logged[0]).toMatchObject({ function: 'snapshot', invocationId: context.invocationId });
  });

  it('keeps extra outputs as the SDK context does', () => {
    const context = createInvocationContext({ functionName: 'f', triggerType: 'httpTrigger', logger: createJsonLogger({ level: 'error', write: () => undefined }) });
    const queue = output.storageQueue({ queueName: 'q', connection: 'c' });
    context.extraOutputs.set(queue, { a: 1 });
    expect(context.extraOutputs.get(queue)).toEqual({ a: 1 });
  });
});
