import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Logger } from '../../core/logging/logger.js';
import { PUSH_INTERVAL_MS, type MetricsPushBody } from './push-protocol.js';

export interface MetricsPushHandle {
  /** Stops the timer, waits for a push in flight, then sends a last (`final`) push. */
  stop(): Promise<void>;
}

export interface MetricsPushOptions {
  readonly registry: Registry;
  /** The sidecar's pod-local push URL, e.g. `http://127.0.0.1:9465/push` (METRICS_SIDECAR_URL). */
  readonly url: string;
  readonly intervalMs: number;
  /** Unique per process start (see {@link newWorkerId}); the sidecar keys its table on it. */
  readonly workerId: string;
  readonly logger: Logger;
  /** Defaults to half the interval, at most 5 s: a push never overlaps the next one. */
  readonly timeoutMs?: number;
  /** Injected by tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/** Pushes of a stopping worker are bounded too: shutdown must not wait on a dead sidecar. */
const FINAL_PUSH_TIMEOUT_MS = 2_000;

/**
 * A worker id that is never reused: a restarted worker must not be mistaken for the one it
 * replaces, whose counters the sidecar keeps (pids are reused inside a container).
 */
export function newWorkerId(): string {
  return `${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * Worker side of the metrics sidecar (src/sidecar): pushes this process's registry as JSON to the
 * pod-local sidecar now and then every `intervalMs`, one push at a time. A failing sidecar costs
 * a log line when pushing starts to fail and one when it recovers, never one per interval, and
 * never an error in the caller: metrics must not take a worker down.
 */
export function startMetricsPush(options: MetricsPushOptions): MetricsPushHandle {
  const { registry, url, intervalMs, workerId, logger } = options;
  if (!Number.isInteger(intervalMs) || intervalMs < PUSH_INTERVAL_MS.min || intervalMs > PUSH_INTERVAL_MS.max) {
    // The sidecar would refuse every push; better to fail where the interval is chosen.
    throw new RangeError(`intervalMs must be an integer from ${PUSH_INTERVAL_MS.min} to ${PUSH_INTERVAL_MS.max}`);
  }
  const post = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? Math.min(5_000, Math.max(100, Math.floor(intervalMs / 2)));
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  let failing = false;

  const push = async (final: boolean, timeout: number): Promise<void> => {
    const body: MetricsPushBody = { workerId, intervalMs, final, metrics: await snapshot(registry) };
    const response = await post(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    // Read the (short) answer so the connection can be reused.
    const text = await response.text();
    if (!response.ok) throw new Error(`the sidecar answered ${response.status}: ${text.slice(0, 200)}`);
  };

  const cycle = async (): Promise<void> => {
    try {
      await push(false, timeoutMs);
      if (failing) logger.info('metrics push to the sidecar works again', { url });
      failing = false;
    } catch (error: unknown) {
      if (!failing) logger.warn('metrics push to the sidecar failed; retrying every interval', { url, err: error });
      failing = true;
    }
    if (stopped) return;
    timer = setTimeout(tick, intervalMs);
    // The push loop alone must never keep a worker process alive.
    timer.unref();
  };
  const tick = (): void => {
    inFlight = cycle();
  };
  tick();

  return {
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      try {
        await push(true, FINAL_PUSH_TIMEOUT_MS);
      } catch (error: unknown) {
        // The sidecar forgets a silent worker after a few intervals anyway; nothing is lost but
        // the counts of the last interval.
        logger.debug('final metrics push failed', { url, err: error });
      }
    },
  };
}

/**
 * prom-client types its JSON loosely (an enum where the runtime has 'counter', …); at runtime it
 * is exactly what the push protocol carries, and the sidecar validates it on arrival.
 */
async function snapshot(registry: Registry): Promise<MetricsPushBody['metrics']> {
  const metrics: unknown = await registry.getMetricsAsJSON();
  return metrics as MetricsPushBody['metrics'];
}
