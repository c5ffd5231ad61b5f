import type { InvocationContext } from '@azure/functions';
import type { AppContext } from '../../app/app-context.js';
import { DependencyUnavailableError } from '../../core/errors/errors.js';
import { isPoisonMessageError } from '../../core/messaging/poison.js';
import { toParkedMessage } from '../../core/messaging/parked.js';
import { fromServiceBusTrigger } from '../service-bus-trigger.js';

export type BusTriggerHandler = (messages: unknown, context: InvocationContext) => unknown;

/**
 * Under the Functions host a Service Bus trigger settles its whole batch: a thrown error abandons
 * every message, and ten abandons dead-letter the good events with the poison one. The host never
 * sees a PoisonMessageError. So, for the host only (src/functions/register.ts), a handler that
 * names poison messages and says it handled the others has the poison copied to the parked queue
 * (BUS_PARKED_QUEUE) with its reason, and the invocation then succeeds: the host completes the
 * batch. If parking fails, the batch is abandoned as a whole; the consumers are idempotent, so
 * the redelivery re-applies nothing. The embedded host's memory bus still dead-letters poison
 * itself (it honours PoisonMessageError), so this wrapper is not used there.
 */
export function parkPoisonUnderHost(options: { readonly app: AppContext; readonly source: string; readonly handler: BusTriggerHandler }): (messages: unknown, context: InvocationContext) => Promise<void> {
  const { app, source, handler } = options;
  return async (messages, context) => {
    try {
      await handler(messages, context);
    } catch (error: unknown) {
      if (!isPoisonMessageError(error) || !error.othersHandled) throw error;
      const ids = new Set(error.messageIds);
      const poison = fromServiceBusTrigger(messages, context).filter((m) => ids.has(m.messageId));
      // A message the host passed without an id cannot be told apart from its batch: leave it to
      // the broker (abandon, then MaxDeliveryCountExceeded) rather than guess.
      if (poison.some((m) => m.messageId === '')) throw error;
      const parkedAt = new Date(app.now());
      try {
        await app.bus.send(
          app.settings.bus.parkedQueue,
          poison.map((m) => toParkedMessage(m, { source, reason: error.reason, description: error.message, parkedAt })),
        );
      } catch (sendError: unknown) {
        throw new DependencyUnavailableError({ dependency: 'bus', cause: sendError });
      }
      app.logger.warn('poison messages parked; the rest of the batch completes', {
        function: context.functionName,
        invocationId: context.invocationId,
        source,
        reason: error.reason,
        messageIds: poison.map((m) => m.messageId),
      });
    }
  };
}
