/**
 * A batch handler throws this to say that some messages can never succeed (malformed envelope,
 * unknown event type, a schema the consumer will never accept). Redelivering them would only burn
 * the delivery budget and delay the rest of their session, so every bus adapter moves the named
 * messages straight to the dead-letter queue with `reason` and this error's message as the
 * description. The other messages of the batch are abandoned as for any other failure, unless
 * the handler says it fully handled them (`othersHandled`): then they are completed.
 *
 * Adapters: the memory bus and the Service Bus SDK adapter honour it directly. The Functions host
 * cannot settle one message of a batch, so there the registration wraps each consumer
 * (src/functions/bus/park-poison.ts): with `othersHandled`, the named messages are copied to the
 * parked queue and the batch completes; without it, the batch is abandoned as for any failure.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  /** The `messageId`s to dead-letter; ids not in the batch are ignored. */
  readonly messageIds: readonly string[];
  /** Short machine-readable reason, e.g. `MalformedEnvelope`; becomes the dead-letter reason. */
  readonly reason: string;
  /** True when every other message of the batch was handled and may be completed. */
  readonly othersHandled: boolean;

  constructor(options: {
    readonly messageIds: readonly string[];
    readonly reason: string;
    /** Human-readable detail; becomes the dead-letter description. */
    readonly description: string;
    readonly othersHandled?: boolean;
    readonly cause?: unknown;
  }) {
    super(options.description, options.cause === undefined ? undefined : { cause: options.cause });
    this.messageIds = [...options.messageIds];
    this.reason = options.reason;
    this.othersHandled = options.othersHandled ?? false;
  }
}

/**
 * One error for several kinds of poison in a batch (a bus settles a batch with one error): the
 * ids of all, the reasons joined with `+`. Every part must have handled the others.
 */
export function mergePoison(parts: readonly (PoisonMessageError | undefined)[]): PoisonMessageError | undefined {
  const present = parts.filter((p): p is PoisonMessageError => p !== undefined);
  if (present.length <= 1) return present[0];
  return new PoisonMessageError({
    messageIds: present.flatMap((p) => p.messageIds),
    reason: present.map((p) => p.reason).join('+'),
    description: present.map((p) => p.message).join('; ').slice(0, 1000),
    othersHandled: present.every((p) => p.othersHandled),
  });
}

/** Narrowing helper that also accepts errors from another copy of this module (duck-typed). */
export function isPoisonMessageError(error: unknown): error is PoisonMessageError {
  if (error instanceof PoisonMessageError) return true;
  if (!(error instanceof Error) || error.name !== 'PoisonMessageError') return false;
  const candidate = error as Partial<PoisonMessageError>;
  return Array.isArray(candidate.messageIds) && typeof candidate.reason === 'string';
}
