import type { InvocationContext } from '@azure/functions';
import { counter, histogram } from '../../adapters/metrics/metrics.js';
import type { AppContext } from '../../app/app-context.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ReceivedMessage } from '../../core/messaging/bus.js';
import { isPoisonMessageError } from '../../core/messaging/poison.js';
import { fromServiceBusTrigger } from '../service-bus-trigger.js';
import { batchTraceFields } from './trace-fields.js';

/** What an instrumented consumer gets for one invocation. */
export interface BusCall {
  readonly batch: readonly ReceivedMessage[];
  readonly context: InvocationContext;
  /** The app logger with this function, invocation and the batch's trace context on every line. */
  readonly logger: Logger;
}

/**
 * How a message left the handler. `failed` goes back to the broker for another delivery;
 * `dead_lettered` failed on the last delivery the entity allows (the broker dead-letters it);
 * `poison` was named by a PoisonMessageError (dead-lettered at once where the bus honours it).
 */
export type MessageOutcome = 'completed' | 'failed' | 'dead_lettered' | 'poison';

/** Powers of two up to the host's maxMessageBatchSize (100) and a little beyond. */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * Wraps a Service Bus consumer (queue or topic trigger) with the bus equivalent of the HTTP RED
 * metrics and with trace-carrying logs:
 * `liveops_messages_total{function,outcome}`, `liveops_message_batch_duration_seconds{function}`
 * and `liveops_message_batch_size{function}`. Labels stay bounded: the function name and one of
 * four outcomes, never a message id.
 */
export function instrumentBusHandler(options: {
  readonly app: AppContext;
  readonly name: string;
  readonly handle: (call: BusCall) => Promise<void>;
}): (messages: unknown, context: InvocationContext) => Promise<void> {
  const { app, name, handle } = options;
  const messagesTotal = counter(app.metrics, {
    name: 'liveops_messages_total',
    help: 'Bus messages handled, by function and outcome',
    labelNames: ['function', 'outcome'],
  });
  const duration = histogram(app.metrics, {
    name: 'liveops_message_batch_duration_seconds',
    help: 'Time one bus-triggered invocation took, by function',
    labelNames: ['function'],
  });
  const batchSize = histogram(app.metrics, {
    name: 'liveops_message_batch_size',
    help: 'Messages per bus-triggered invocation, by function',
    labelNames: ['function'],
    buckets: BATCH_SIZE_BUCKETS,
  });
  const count = (outcome: MessageOutcome, n: number): void => {
    if (n > 0) messagesTotal.inc({ function: name, outcome }, n);
  };
  const { maxDeliveryCount } = app.settings.bus;

  return async (messages, context) => {
    const batch = fromServiceBusTrigger(messages, context);
    const logger = app.logger.child({ function: name, invocationId: context.invocationId, ...batchTraceFields(batch) });
    for (const message of batch) {
      // Debug only: at info this would be a line per message on the hottest path.
      logger.debug('message received', messageFields(message));
    }
    batchSize.observe({ function: name }, batch.length);
    const stopTimer = duration.startTimer({ function: name });
    try {
      await handle({ batch, context, logger });
      count('completed', batch.length);
    } catch (error: unknown) {
      recordFailure({ batch, error, logger, maxDeliveryCount, count });
      throw error;
    } finally {
      stopTimer();
    }
  };
}

/** Counts and logs what a thrown batch means for each message; the caller rethrows. */
function recordFailure(options: {
  readonly batch: readonly ReceivedMessage[];
  readonly error: unknown;
  readonly logger: Logger;
  readonly maxDeliveryCount: number;
  readonly count: (outcome: MessageOutcome, n: number) => void;
}): void {
  const { batch, error, logger, maxDeliveryCount, count } = options;
  const poisonIds = isPoisonMessageError(error) ? new Set(error.messageIds) : new Set<string>();
  const othersHandled = isPoisonMessageError(error) && error.othersHandled;
  const poison = batch.filter((m) => poisonIds.has(m.messageId));
  const rest = batch.filter((m) => !poisonIds.has(m.messageId));
  count('poison', poison.length);
  if (poison.length > 0 && isPoisonMessageError(error)) {
    logger.warn('poison messages rejected (they can never succeed)', { reason: error.reason, messageIds: poison.map((m) => m.messageId) });
  }
  if (othersHandled) {
    count('completed', rest.length);
    return;
  }
  // The broker dead-letters a message whose delivery count has reached the entity's maximum
  // when it is abandoned once more: say so now, with its trace, because nothing else in the app
  // will see it again.
  const final = rest.filter((m) => m.deliveryCount >= maxDeliveryCount);
  count('dead_lettered', final.length);
  count('failed', rest.length - final.length);
  for (const message of final) logger.error('message failed its last delivery and will be dead-lettered', { ...messageFields(message), err: error });
  if (final.length < rest.length) logger.warn('batch failed; its messages go back to the queue', { messages: rest.length - final.length, err: error });
}

function messageFields(message: ReceivedMessage): Record<string, unknown> {
  const { traceparent } = message.applicationProperties;
  return {
    messageId: message.messageId,
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    deliveryCount: message.deliveryCount,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
}
