import type { Settings } from './types.js';

/**
 * The app settings that trigger options may reference as `%NAME%` (resolved by the Functions
 * host from app settings; here from the validated settings, so defaults apply the same way).
 */
const BINDING_SETTINGS: Readonly<Record<string, (s: Settings) => string>> = {
  BUS_INGRESS_QUEUE: (s) => s.bus.ingressQueue,
  BUS_VERIFIED_TOPIC: (s) => s.bus.verifiedTopic,
  BUS_SUB_PROGRESSION: (s) => s.bus.progressionSubscription,
  BUS_SUB_LEADERBOARD: (s) => s.bus.leaderboardSubscription,
  SNAPSHOT_CRON: (s) => s.leaderboards.snapshotCron,
  LEDGER_PRUNE_CRON: (s) => s.progression.ledgerPruneCron,
};

/** Replaces every `%NAME%` in `expression`; an unknown name is a programming error, named. */
export function resolveBindingExpression(expression: string, settings: Settings): string {
  return expression.replace(/%([A-Z0-9_]+)%/g, (_whole, name: string) => {
    const read = BINDING_SETTINGS[name];
    if (!read) throw new Error(`binding expression %${name}% names no known setting`);
    return read(settings);
  });
}
