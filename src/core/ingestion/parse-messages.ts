import type { ReceivedMessage } from '../messaging/bus.js';
import { PoisonMessageError } from '../messaging/poison.js';
import type { AcceptedEvent, EnvelopeSchema } from './envelope.js';

export interface ParsedMessages {
  readonly events: readonly { readonly message: ReceivedMessage; readonly event: AcceptedEvent }[];
  /** Messages whose body is not a valid envelope: they can never succeed. */
  readonly poison: readonly { readonly messageId: string; readonly why: string }[];
}

/**
 * Every consumer's first step: bodies that are valid envelopes become events (season from the
 * body, else the message's `season` property, else the current season); the rest are poison.
 */
export function parseMessages(batch: readonly ReceivedMessage[], options: { readonly schema: EnvelopeSchema; readonly currentSeason: number }): ParsedMessages {
  const events: { message: ReceivedMessage; event: AcceptedEvent }[] = [];
  const poison: { messageId: string; why: string }[] = [];
  for (const message of batch) {
    const result = options.schema.safeParse(message.body);
    if (!result.success) {
      poison.push({ messageId: message.messageId, why: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(', ') });
      continue;
    }
    const property = Number(message.applicationProperties.season);
    const season = result.data.season ?? (Number.isSafeInteger(property) && property >= 1 ? property : options.currentSeason);
    events.push({ message, event: { ...result.data, season } });
  }
  return { events, poison };
}

/**
 * The error a consumer throws after handling the rest of its batch: the bus dead-letters the
 * named messages with reason `InvalidEnvelope` and completes the others.
 */
export function invalidEnvelopes(poison: ParsedMessages['poison']): PoisonMessageError | undefined {
  if (poison.length === 0) return undefined;
  return new PoisonMessageError({
    messageIds: poison.map((p) => p.messageId),
    reason: 'InvalidEnvelope',
    description: poison.map((p) => `${p.messageId}: ${p.why}`).join('; ').slice(0, 1000),
    othersHandled: true,
  });
}
