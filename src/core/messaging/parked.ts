import type { ApplicationProperties, OutgoingMessage, ReceivedMessage } from './bus.js';

/**
 * A poison message parked by a consumer under the Functions host (docs/production-path.md): the
 * host can only settle a whole batch, so instead of dead-lettering one message the consumer
 * copies it to the parked queue, with where it came from and why, and completes the batch. The
 * copy keeps the `messageId`, body and application properties, so a replay is the original.
 */
export interface ParkedInfo {
  /** Entity path it came from: a queue name, or `<topic>/subscriptions/<subscription>`. */
  readonly source: string;
  readonly reason: string;
  readonly description: string;
  readonly parkedAt: Date;
  readonly sessionId?: string;
}

/** Application property names of the parking record; everything else is the original's. */
export const PARKED_PROPERTIES = {
  source: 'parkedFrom',
  reason: 'parkedReason',
  description: 'parkedDescription',
  parkedAt: 'parkedAt',
  sessionId: 'parkedSessionId',
} as const;

/** Service Bus caps a dead-letter description at 4096 characters; keep ours well below. */
const MAX_DESCRIPTION = 1024;

export function toParkedMessage(message: ReceivedMessage, info: Omit<ParkedInfo, 'sessionId'>): OutgoingMessage {
  return {
    messageId: message.messageId,
    body: message.body,
    applicationProperties: {
      ...message.applicationProperties,
      [PARKED_PROPERTIES.source]: info.source,
      [PARKED_PROPERTIES.reason]: info.reason,
      [PARKED_PROPERTIES.description]: info.description.slice(0, MAX_DESCRIPTION),
      [PARKED_PROPERTIES.parkedAt]: info.parkedAt.toISOString(),
      ...(message.sessionId === undefined ? {} : { [PARKED_PROPERTIES.sessionId]: message.sessionId }),
    },
  };
}

/** The parking record of a message on the parked queue, or undefined when it has none. */
export function readParked(properties: ApplicationProperties): ParkedInfo | undefined {
  const source = properties[PARKED_PROPERTIES.source];
  if (typeof source !== 'string' || source === '') return undefined;
  const text = (key: string): string => {
    const value = properties[key];
    return typeof value === 'string' ? value : '';
  };
  const sessionId = text(PARKED_PROPERTIES.sessionId);
  return {
    source,
    reason: text(PARKED_PROPERTIES.reason),
    description: text(PARKED_PROPERTIES.description),
    parkedAt: new Date(text(PARKED_PROPERTIES.parkedAt)),
    ...(sessionId === '' ? {} : { sessionId }),
  };
}

/** The original message again, for a replay: the parking record removed, the session restored. */
export function unparkedMessage(message: { readonly messageId: string; readonly body: unknown; readonly applicationProperties: ApplicationProperties }): OutgoingMessage {
  const info = readParked(message.applicationProperties);
  const parkedKeys = new Set<string>(Object.values(PARKED_PROPERTIES));
  const applicationProperties = Object.fromEntries(Object.entries(message.applicationProperties).filter(([key]) => !parkedKeys.has(key)));
  return {
    messageId: message.messageId,
    body: message.body,
    applicationProperties,
    ...(info?.sessionId === undefined ? {} : { sessionId: info.sessionId }),
  };
}
