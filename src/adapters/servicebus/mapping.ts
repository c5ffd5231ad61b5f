import { type ServiceBusMessage } from '@azure/service-bus';
import {
  type ApplicationProperties,
  type OutgoingMessage,
  type ReceivedMessage,
} from '../../core/messaging/bus.js';
import { type InboundMessage } from './sdk-port.js';

export const JSON_CONTENT_TYPE = 'application/json';

/**
 * OutgoingMessage → SDK message. The body is handed over as a value: the SDK JSON-encodes it into
 * the AMQP data section, which is what the Functions host and other SDKs read back as JSON.
 */
export function toServiceBusMessage(message: OutgoingMessage): ServiceBusMessage {
  return {
    messageId: message.messageId,
    body: message.body,
    contentType: JSON_CONTENT_TYPE,
    applicationProperties: { ...message.applicationProperties },
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    ...(message.scheduledEnqueueTimeUtc === undefined
      ? {}
      : { scheduledEnqueueTimeUtc: message.scheduledEnqueueTimeUtc }),
  };
}

/** SDK message (as received through the JS SDK) → ReceivedMessage. */
export function fromServiceBusMessage(message: InboundMessage): ReceivedMessage {
  return {
    messageId: idToString(message.messageId),
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    body: decodeJsonBody(message.body),
    applicationProperties: toApplicationProperties(message.applicationProperties),
    ...(message.scheduledEnqueueTimeUtc === undefined
      ? {}
      : { scheduledEnqueueTimeUtc: message.scheduledEnqueueTimeUtc }),
    // The JS SDK reports the raw AMQP count (0 on the first delivery); the port, like the .NET SDK
    // and the Functions host, counts from 1.
    deliveryCount: (message.deliveryCount ?? 0) + 1,
    // Always set on received messages; the epoch only marks "unknown" for hand-made ones.
    enqueuedTimeUtc: message.enqueuedTimeUtc ?? new Date(0),
  };
}

/**
 * Bodies are JSON. The SDK and the Functions host usually hand over the parsed value already;
 * bytes or a string (another producer, `skipParsingBodyAsJson`, a host without JSON content type)
 * are parsed here. Text that is not JSON is passed on unchanged rather than thrown on: the
 * consumer's envelope validation then rejects it as poison, with a reason, instead of the bus
 * burning its deliveries on a parse error.
 */
export function decodeJsonBody(body: unknown): unknown {
  if (body instanceof Uint8Array) return parseOrKeep(Buffer.from(body).toString('utf8'));
  if (typeof body === 'string') return parseOrKeep(body);
  return body;
}

/**
 * Application properties of the port are strings, numbers and booleans; Service Bus can also
 * carry dates (kept as ISO strings) and nulls (dropped, as "absent" is what they mean to us).
 */
export function toApplicationProperties(properties: Readonly<Record<string, unknown>> | undefined): ApplicationProperties {
  const result: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = value;
    else if (value instanceof Date) result[key] = value.toISOString();
    else if (typeof value === 'bigint') result[key] = value.toString();
  }
  return result;
}

export function idToString(id: unknown): string {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return id.toString();
  if (id instanceof Uint8Array) return Buffer.from(id).toString('utf8');
  return '';
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    if (error instanceof SyntaxError) return text;
    throw error;
  }
}

