import type { InvocationContext } from '@azure/functions';
import type { ReceivedMessage } from '../core/messaging/bus.js';
import { decodeJsonBody, idToString, toApplicationProperties } from '../adapters/servicebus/mapping.js';

/**
 * The Functions host hands a Service Bus trigger the message bodies plus `triggerMetadata` with
 * the broker properties: singular keys (`messageId`, `deliveryCount`, …) for `cardinality: 'one'`,
 * `…Array` keys for `cardinality: 'many'`. Handlers read both through `fromServiceBusTrigger`, and
 * the embedded host builds the same shape with `toServiceBusTrigger`, so one handler runs in both.
 */
export interface ServiceBusTriggerInput {
  readonly messages: readonly unknown[];
  readonly triggerMetadata: Record<string, unknown>;
}

/** ReceivedMessage[] → what the Functions host would pass (bodies and trigger metadata). */
export function toServiceBusTrigger(
  batch: readonly ReceivedMessage[],
  options: { readonly cardinality: 'one' | 'many' },
): ServiceBusTriggerInput {
  const messages = batch.map((m) => m.body);
  if (options.cardinality === 'many') {
    return {
      messages,
      triggerMetadata: {
        messageIdArray: batch.map((m) => m.messageId),
        sessionIdArray: batch.map((m) => m.sessionId),
        deliveryCountArray: batch.map((m) => m.deliveryCount),
        enqueuedTimeUtcArray: batch.map((m) => m.enqueuedTimeUtc.toISOString()),
        applicationPropertiesArray: batch.map((m) => ({ ...m.applicationProperties })),
      },
    };
  }
  const [first] = batch;
  if (first === undefined || batch.length !== 1) {
    throw new Error(`toServiceBusTrigger: cardinality 'one' needs exactly one message, got ${batch.length}`);
  }
  return {
    messages,
    triggerMetadata: {
      messageId: first.messageId,
      sessionId: first.sessionId,
      deliveryCount: first.deliveryCount,
      enqueuedTimeUtc: first.enqueuedTimeUtc.toISOString(),
      applicationProperties: { ...first.applicationProperties },
    },
  };
}

/**
 * What a Service Bus triggered handler received → ReceivedMessage[]. Accepts one message or an
 * array (the trigger's cardinality) and reads the metadata in either form. A message whose
 * metadata lacks an id gets `''`; consumers treat that as poison rather than guess.
 */
export function fromServiceBusTrigger(input: unknown, context: InvocationContext): ReceivedMessage[] {
  const metadata = context.triggerMetadata ?? {};
  // The input's shape alone cannot tell the cardinality: one message's JSON body may itself be an
  // array. The host sets the singular keys for cardinality 'one' and the `…Array` keys for 'many'.
  const single = !Array.isArray(input) || (metadata.messageId !== undefined && !Array.isArray(metadata.messageIdArray));
  if (single) {
    return [
      toReceived({
        body: input,
        messageId: metadata.messageId,
        sessionId: metadata.sessionId,
        deliveryCount: metadata.deliveryCount,
        enqueuedTimeUtc: metadata.enqueuedTimeUtc,
        applicationProperties: metadata.applicationProperties,
      }),
    ];
  }
  const at = (key: string, index: number): unknown => {
    const values = metadata[key];
    return Array.isArray(values) ? (values[index] as unknown) : undefined;
  };
  return input.map((body: unknown, index) =>
    toReceived({
      body,
      messageId: at('messageIdArray', index),
      sessionId: at('sessionIdArray', index),
      deliveryCount: at('deliveryCountArray', index),
      enqueuedTimeUtc: at('enqueuedTimeUtcArray', index),
      applicationProperties: at('applicationPropertiesArray', index),
    }),
  );
}

interface RawTriggerMessage {
  readonly body: unknown;
  readonly messageId: unknown;
  readonly sessionId: unknown;
  readonly deliveryCount: unknown;
  readonly enqueuedTimeUtc: unknown;
  readonly applicationProperties: unknown;
}

function toReceived(raw: RawTriggerMessage): ReceivedMessage {
  const deliveryCount = Number(raw.deliveryCount);
  const enqueued = toDate(raw.enqueuedTimeUtc);
  return {
    messageId: idToString(raw.messageId),
    ...(typeof raw.sessionId === 'string' && raw.sessionId !== '' ? { sessionId: raw.sessionId } : {}),
    body: decodeJsonBody(raw.body),
    applicationProperties: toApplicationProperties(isRecord(raw.applicationProperties) ? raw.applicationProperties : undefined),
    // The host counts from 1; a missing count is treated as a first delivery.
    deliveryCount: Number.isInteger(deliveryCount) && deliveryCount > 0 ? deliveryCount : 1,
    enqueuedTimeUtc: Number.isNaN(enqueued.getTime()) ? new Date(0) : enqueued,
  };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The host passes ISO strings; a Date or epoch number is accepted too, anything else is "unknown". */
function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  return new Date(Number.NaN);
}
