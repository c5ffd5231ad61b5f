import type { LogFields } from '../../core/logging/logger.js';
import type { ReceivedMessage } from '../../core/messaging/bus.js';

/**
 * The trace context of a batch, for the fields of every log line written while handling it.
 * One session's batch usually holds events from several requests, so there is no single parent:
 * one shared `traceparent` is logged as such, several as `traceparents` (at most the batch size,
 * 100), so a search for any of the batch's trace ids finds the batch's lines.
 */
export function batchTraceFields(batch: readonly ReceivedMessage[]): LogFields {
  const unique = [...new Set(batch.flatMap((m) => traceparentOf(m)))];
  if (unique.length === 0) return {};
  if (unique.length === 1) return { traceparent: unique[0] };
  return { traceparents: unique };
}

function traceparentOf(message: ReceivedMessage): string[] {
  const value = message.applicationProperties.traceparent;
  return typeof value === 'string' && value !== '' ? [value] : [];
}
