import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { LiveOpsError, type LiveOpsClient } from '../../client/index.js';
import type { ScheduledEvent } from './model.js';
import type { Outcome, RunStats } from './stats.js';

export interface DriveOptions {
  readonly client: Pick<LiveOpsClient, 'sendEvent' | 'sendBatch'>;
  /** Time-ordered traffic, e.g. `generateTraffic(population)`. */
  readonly traffic: Iterable<ScheduledEvent>;
  /** Wall-clock epoch ms of the model's time 0: an event is due at `startMs + atMs`. */
  readonly startMs: number;
  /** 0 sends every event alone; N sends what is due in batches of up to N. */
  readonly batchSize: number;
  /** Most requests in flight at once; beyond it the driver falls behind rather than piling up sockets. */
  readonly concurrency: number;
  readonly stats: RunStats;
  /** Aborting stops new requests; those in flight finish and are counted. */
  readonly signal: AbortSignal;
  /** Epoch ms (default `Date.now`), for pacing. */
  readonly now?: () => number;
  /** Monotonic ms (default `performance.now`), for latency. */
  readonly monotonic?: () => number;
}

/** How long batch mode lets due events gather, so batches hold more than one event each. */
const BATCH_LINGER_MS = 100;
/** Most events taken from the model per loop turn, so a driver that is behind still lets responses in. */
const MAX_PER_TURN = 1000;

/** Sends the traffic on its schedule until it ends or `signal` aborts, then waits for what is in flight. */
export async function drive(options: DriveOptions): Promise<void> {
  const { batchSize, signal, startMs } = options;
  const now = options.now ?? Date.now;
  const send = sender(options);
  const inFlight = new Set<Promise<void>>();
  const iterator = options.traffic[Symbol.iterator]();
  let head = iterator.next();
  const linger = batchSize > 0 ? BATCH_LINGER_MS : 0;

  while (head.done !== true && !signal.aborted) {
    const wait = startMs + head.value.atMs + linger - now();
    if (wait > 0) {
      await pause(Math.min(wait, 100), signal);
      continue;
    }
    const dueAt = now() - startMs;
    const due: ScheduledEvent[] = [];
    while (head.done !== true && head.value.atMs <= dueAt && due.length < MAX_PER_TURN) {
      due.push(head.value);
      head = iterator.next();
    }
    const size = batchSize > 0 ? batchSize : 1;
    for (let i = 0; i < due.length; i += size) {
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      const request = send(due.slice(i, i + size)).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    // Without this, a driver that is behind schedule would loop synchronously and starve responses and the reporter.
    await yieldToEventLoop();
  }
  await Promise.all(inFlight);
}

/** Sends one request (one event or one batch) and counts its outcome per event; never rejects. */
function sender(options: DriveOptions): (events: readonly ScheduledEvent[]) => Promise<void> {
  const { client, stats, batchSize } = options;
  const monotonic = options.monotonic ?? (() => performance.now());
  const failed = (events: readonly ScheduledEvent[], error: unknown): void => {
    const outcome = outcomeOf(error);
    if (typeof outcome === 'number') stats.firstRefusal ??= error instanceof Error ? error.message : String(error);
    else stats.firstError ??= error instanceof Error ? error.message : String(error);
    for (const e of events) stats.outcome(e.label, outcome);
  };
  return async (events) => {
    for (const e of events) stats.sent(e.label, 1);
    const started = monotonic();
    stats.inFlight += 1;
    try {
      if (batchSize === 0) {
        const [only] = events;
        if (only === undefined) return;
        const result = await client.sendEvent(only.event);
        stats.latency(monotonic() - started);
        stats.outcome(only.label, result.status);
        return;
      }
      const { results } = await client.sendBatch(events.map((e) => e.event));
      stats.latency(monotonic() - started);
      events.forEach((e, i) => {
        const item = results[i];
        const outcome: Outcome = item === undefined ? 'error' : item.status === 'rejected' ? (item.problem?.status ?? 400) : item.status;
        if (item?.status === 'rejected' && item.problem !== undefined) stats.firstRefusal ??= `${item.problem.type}: ${item.problem.detail ?? ''}`;
        stats.outcome(e.label, outcome);
      });
    } catch (error: unknown) {
      // A response arrived (even a refusal): its latency is real. A network failure has none.
      if (error instanceof LiveOpsError && error.status !== undefined) stats.latency(monotonic() - started);
      failed(events, error);
    } finally {
      stats.inFlight -= 1;
    }
  };
}

function outcomeOf(error: unknown): Outcome {
  if (!(error instanceof LiveOpsError)) return 'error';
  return error.status ?? 'network';
}

/** Resolves after `ms`, or at once when `signal` aborts (unlike timers/promises, without rejecting). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
