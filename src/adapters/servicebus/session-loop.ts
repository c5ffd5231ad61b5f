import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchHandler, BusSource } from '../../core/messaging/bus.js';
import { isPoisonMessageError } from '../../core/messaging/poison.js';
import type { Logger } from '../../core/logging/logger.js';
import { fromServiceBusMessage } from './mapping.js';
import type { ClientPort, Delivery, ReceiverPort } from './sdk-port.js';

export interface LoopOptions {
  readonly client: ClientPort;
  readonly source: BusSource;
  readonly maxBatchSize: number;
  readonly handler: BatchHandler;
  readonly logger: Logger;
  /** A locked session with nothing new for this long is released so other sessions get a turn. */
  readonly sessionIdleMs: number;
  /** Pause after an unexpected receive error, so a broken connection does not spin. */
  readonly errorBackoffMs?: number;
}

/** Lock renewal bound, as host.json `maxAutoLockRenewalDuration` (PT5M). */
const MAX_LOCK_RENEWAL_MS = 5 * 60 * 1000;

/** "No session became available in time": the normal idle case, not an error. */
const IDLE_CODES = new Set(['ServiceTimeout', 'SessionCannotBeLocked']);

/**
 * One worker: lock the next session, hand its messages to the handler in batches, in order,
 * until it goes quiet, then take the next. `close()` stops waiting for messages but lets a batch
 * that is being handled finish and settle, so shutdown never abandons finished work.
 */
export function runSessionLoop(options: LoopOptions): { close(): Promise<void> } {
  const abort = new AbortController();
  const { signal } = abort;
  // A function, not the property: TypeScript would narrow `signal.aborted` across awaits.
  const aborted = (): boolean => signal.aborted;
  const label = 'queue' in options.source ? options.source.queue : `${options.source.topic}/${options.source.subscription}`;
  const logger = options.logger.child({ source: label });

  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      let receiver: ReceiverPort;
      try {
        receiver = await options.client.acceptNextSession(options.source, {
          abortSignal: signal,
          maxAutoLockRenewalDurationInMs: MAX_LOCK_RENEWAL_MS,
        });
      } catch (error: unknown) {
        if (aborted() || IDLE_CODES.has(codeOf(error))) continue;
        logger.warn('accepting a session failed; retrying', { err: error });
        await pause(options.errorBackoffMs ?? 1_000, signal);
        continue;
      }
      try {
        await drainSession(receiver, options, signal, logger);
      } catch (error: unknown) {
        if (!aborted()) {
          logger.warn('receiving from a session failed; releasing it', { err: error });
          await pause(options.errorBackoffMs ?? 1_000, signal);
        }
      } finally {
        await receiver.close().catch((error: unknown) => {
          logger.warn('closing a session receiver failed', { err: error });
        });
      }
    }
  };
  const done = run();
  return {
    close: async () => {
      abort.abort();
      await done;
    },
  };
}

async function drainSession(receiver: ReceiverPort, options: LoopOptions, signal: AbortSignal, logger: Logger): Promise<void> {
  while (!signal.aborted) {
    const deliveries = await receiver.receive(options.maxBatchSize, { maxWaitTimeInMs: options.sessionIdleMs, abortSignal: signal });
    if (deliveries.length === 0) return;
    await handleBatch(deliveries, options.handler, logger);
  }
}

/**
 * Success completes every message. A PoisonMessageError dead-letters the messages it names; any
 * other failure abandons the batch, so Service Bus redelivers it until its max delivery count.
 */
export async function handleBatch(deliveries: readonly Delivery[], handler: BatchHandler, logger: Logger): Promise<void> {
  const messages = deliveries.map((d) => fromServiceBusMessage(d.message));
  let failure: unknown;
  let failed = false;
  try {
    await handler(messages);
  } catch (error: unknown) {
    failed = true;
    failure = error;
  }
  if (!failed) {
    await settleAll(deliveries.map((d) => d.complete()), logger);
    return;
  }
  const description = failure instanceof Error ? failure.message : String(failure);
  const poison = isPoisonMessageError(failure) ? new Set(failure.messageIds) : new Set<string>();
  const reason = isPoisonMessageError(failure) ? failure.reason : '';
  const othersHandled = isPoisonMessageError(failure) && failure.othersHandled;
  logger.warn('batch handler failed', { err: failure, messages: messages.length, poison: poison.size });
  await settleAll(
    deliveries.map((d, i) =>
      poison.has(messages[i]?.messageId ?? '') ? d.deadLetter(reason, description) : othersHandled ? d.complete() : d.abandon(),
    ),
    logger,
  );
}

/** A failed settlement only means the lock was lost: the broker redelivers, so it is logged, not thrown. */
async function settleAll(settlements: readonly Promise<void>[], logger: Logger): Promise<void> {
  const results = await Promise.allSettled(settlements);
  for (const result of results) {
    if (result.status === 'rejected') logger.warn('settling a message failed; it will be redelivered', { err: result.reason });
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error: unknown) {
    if (!signal.aborted) throw error;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
