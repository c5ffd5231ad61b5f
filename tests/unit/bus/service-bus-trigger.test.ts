import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../../src/core/messaging/bus.js';
import { fromServiceBusTrigger, toServiceBusTrigger } from '../../../src/functions/service-bus-trigger.js';

const context = (triggerMetadata?: Record<string, unknown>): InvocationContext =>
  new InvocationContext(triggerMetadata === undefined ? {} : { triggerMetadata });

const first: ReceivedMessage = {
  messageId: 'evt-1',
  sessionId: 'player-1',
  body: { eventId: 'evt-1', playerId: 'player-1', score: 10, tags: ['a', 'b'] },
  applicationProperties: { type: 'progression', version: 2, replay: false },
  deliveryCount: 1,
  enqueuedTimeUtc: new Date('2024-01-01T12:00:00.123Z'),
};
const second: ReceivedMessage = {
  messageId: 'evt-2',
  body: 'plain text, not JSON',
  applicationProperties: {},
  deliveryCount: 4,
  enqueuedTimeUtc: new Date('2024-01-01T12:00:01.000Z'),
};

describe('toServiceBusTrigger / fromServiceBusTrigger', () => {
  it("round-trips a batch with cardinality 'many' through the ...Array metadata", () => {
    const { messages, triggerMetadata } = toServiceBusTrigger([first, second], { cardinality: 'many' });
    expect(messages).toEqual([first.body, second.body]);
    expect(triggerMetadata).toMatchObject({
      messageIdArray: ['evt-1', 'evt-2'],
      deliveryCountArray: [1, 4],
      enqueuedTimeUtcArray: ['2024-01-01T12:00:00.123Z', '2024-01-01T12:00:01.000Z'],
    });
    expect(fromServiceBusTrigger(messages, context(triggerMetadata))).toEqual([first, second]);
  });

  it("round-trips one message with cardinality 'one' through the singular metadata", () => {
    const { messages, triggerMetadata } = toServiceBusTrigger([first], { cardinality: 'one' });
    expect(triggerMetadata).toMatchObject({ messageId: 'evt-1', sessionId: 'player-1', deliveryCount: 1 });
    expect(triggerMetadata).not.toHaveProperty('messageIdArray');
    // The host passes the single body itself, not an array of one.
    expect(fromServiceBusTrigger(messages[0], context(triggerMetadata))).toEqual([first]);
  });

  it("round-trips a single message whose body is itself a JSON array with cardinality 'one'", () => {
    const listBody: ReceivedMessage = { ...first, body: [{ eventId: 'a' }, { eventId: 'b' }] };
    const { messages, triggerMetadata } = toServiceBusTrigger([listBody], { cardinality: 'one' });
    expect(fromServiceBusTrigger(messages[0], context(triggerMetadata))).toEqual([listBody]);
  });

  it('round-trips an empty batch with cardinality many', () => {
    const { messages, triggerMetadata } = toServiceBusTrigger([], { cardinality: 'many' });
    expect(fromServiceBusTrigger(messages, context(triggerMetadata))).toEqual([]);
  });

  it("throws for cardinality 'one' unless there is exactly one message", () => {
    expect(() => toServiceBusTrigger([first, second], { cardinality: 'one' })).toThrow(
      "toServiceBusTrigger: cardinality 'one' needs exactly one message, got 2",
    );
    expect(() => toServiceBusTrigger([], { cardinality: 'one' })).toThrow('got 0');
  });
});

describe('fromServiceBusTrigger', () => {
  it('decodes JSON bodies that arrive as bytes or strings, and keeps text that is not JSON', () => {
    const metadata = { messageIdArray: ['a', 'b', 'c', 'd'], deliveryCountArray: [1, 1, 1, 1] };
    const received = fromServiceBusTrigger(
      [Buffer.from('{"eventId":"a","n":1}'), new TextEncoder().encode('[1,2]'), '{"eventId":"c"}', 'not json'],
      context(metadata),
    );
    expect(received.map((m) => m.body)).toEqual([{ eventId: 'a', n: 1 }, [1, 2], { eventId: 'c' }, 'not json']);
    expect(received.map((m) => m.messageId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('decodes a byte body for a single message', () => {
    const [received] = fromServiceBusTrigger(Buffer.from('{"eventId":"x"}'), context({ messageId: 'x', deliveryCount: 2 }));
    expect(received).toMatchObject({ messageId: 'x', body: { eventId: 'x' }, deliveryCount: 2 });
  });

  it('treats missing metadata as a first delivery with no id, session, properties or enqueue time', () => {
    const expected: ReceivedMessage = { messageId: '', body: { eventId: 'x' }, applicationProperties: {}, deliveryCount: 1, enqueuedTimeUtc: new Date(0) };
    expect(fromServiceBusTrigger({ eventId: 'x' }, context())).toEqual([expected]);
    expect(fromServiceBusTrigger([{ eventId: 'x' }], context())).toEqual([expected]);
  });

  it('treats a zero, negative or non-numeric deliveryCount as 1 and accepts a numeric string', () => {
    const counts = fromServiceBusTrigger([{}, {}, {}, {}], context({ deliveryCountArray: [0, -2, 'many', '3'] })).map((m) => m.deliveryCount);
    expect(counts).toEqual([1, 1, 1, 3]);
  });

  it('keeps string, number and boolean properties, turns dates into ISO strings and drops the rest', () => {
    const [received] = fromServiceBusTrigger(
      { eventId: 'x' },
      context({
        messageId: 'x',
        sessionId: '',
        applicationProperties: { s: 'v', n: 1, b: true, d: new Date('2024-01-01T00:00:00Z'), nothing: null, nested: { a: 1 } },
      }),
    );
    expect(received?.applicationProperties).toEqual({ s: 'v', n: 1, b: true, d: '2024-01-01T00:00:00.000Z' });
    expect(received).not.toHaveProperty('sessionId');
  });
});
