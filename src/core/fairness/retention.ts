import type { Settings } from '../config/types.js';
import type { FairnessRetention } from './ports.js';

/**
 * How long fairness remembers what, derived from settings. The flood window keeps ten minutes of
 * arrivals (not one second) so a backlog on the queue is still judged by enqueue time; verdicts
 * are kept a week, far beyond Service Bus' redelivery horizon.
 */
export function fairnessRetention(settings: Settings): FairnessRetention {
  return {
    historyLength: settings.fairness.history,
    populationLength: 1_000,
    eventWindowMs: 10 * 60 * 1000,
    flagWindowMs: settings.fairness.flagWindowS * 1000,
    verdictTtlMs: 7 * 24 * 3600 * 1000,
  };
}
