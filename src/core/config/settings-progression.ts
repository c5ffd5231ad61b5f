import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { integer, positiveNumber, sixFieldCron, type SettingsReader, readJsonSetting } from './settings-reader.js';

/** The shortest LEDGER_RETENTION_DAYS: one day more than the gateway's eventId memory. */
export const MIN_LEDGER_RETENTION_DAYS = 8;
import type { ProgressionSettings, RewardDefinition } from './types.js';

/**
 * The default reward catalogue: chests at level milestones and a title for a tier-10 boss kill.
 * A deployment replaces it with `REWARDS` (JSON array of the same shape).
 */
export const DEFAULT_REWARDS: readonly RewardDefinition[] = deepFreeze([
  { id: 'level_5_chest', requires: { level: 5 }, item: 'chest_bronze', qty: 1 },
  { id: 'level_10_chest', requires: { level: 10 }, item: 'chest_silver', qty: 1 },
  { id: 'level_25_chest', requires: { level: 25 }, item: 'chest_gold', qty: 1 },
  { id: 'dragonslayer_title', requires: { bossTier: 10 }, item: 'title_dragonslayer', qty: 1 },
]);

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const rewardSchema = z.strictObject({
  id: z.string().regex(NAME, { error: `id must match ${NAME.source}` }),
  requires: z.union([z.strictObject({ level: z.int().min(1).max(100_000) }), z.strictObject({ bossTier: z.int().min(1).max(10) })], {
    error: 'requires must be {"level": n} or {"bossTier": 1..10}',
  }),
  item: z.string().regex(NAME, { error: `item must match ${NAME.source}` }),
  qty: z.int().min(1).max(1_000_000),
});

function readRewards(reader: SettingsReader): readonly RewardDefinition[] {
  const setting = 'REWARDS';
  const text = reader.value(setting);
  if (text === undefined) return DEFAULT_REWARDS;
  const json = readJsonSetting(reader, setting, '[{"id","requires":{"level"|"bossTier"},"item","qty"},…]');
  if (json?.ok !== true) return [];
  const parsed = json.value;
  const result = z.array(rewardSchema).safeParse(parsed);
  if (!result.success) {
    for (const issue of result.error.issues) reader.problem(setting, `${issue.path.length > 0 ? `reward ${issue.path.join('.')}: ` : ''}${issue.message}`);
    return [];
  }
  const ids = result.data.map((r) => r.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) reader.problem(setting, `reward id '${duplicate}' is declared more than once`);
  return deepFreeze(result.data);
}

/**
 * `LEVEL_THRESHOLDS`: optional JSON array of the total XP at which levels 2, 3, … start,
 * strictly increasing; without it every level takes `XP_PER_LEVEL` (the prototype's 1000).
 */
function readLevelThresholds(reader: SettingsReader): readonly number[] | undefined {
  const setting = 'LEVEL_THRESHOLDS';
  const text = reader.value(setting);
  if (text === undefined) return undefined;
  const json = readJsonSetting(reader, setting, 'an array of total XP per level, e.g. [1000, 2500, 5000]');
  if (json?.ok !== true) return undefined;
  const parsed = json.value;
  const result = z.array(z.int().min(1)).min(1).safeParse(parsed);
  if (!result.success || result.data.some((xp, i) => i > 0 && xp <= (result.data[i - 1] ?? 0))) {
    reader.problem(setting, 'must be a non-empty JSON array of strictly increasing positive integers');
    return undefined;
  }
  return Object.freeze(result.data);
}

export function readProgression(reader: SettingsReader): ProgressionSettings {
  const thresholds = readLevelThresholds(reader);
  return {
    xpPerLevel: reader.read('XP_PER_LEVEL', integer({ min: 1, max: 1_000_000_000 }), 1000),
    ...(thresholds === undefined ? {} : { levelThresholds: thresholds }),
    bossXpFactor: reader.read('BOSS_XP_FACTOR', positiveNumber(1000), 0.1),
    rewards: readRewards(reader),
    receiptTtlS: reader.read('RECEIPT_TTL_S', integer({ min: 60, max: 10 * 365 * 24 * 3600 }), 365 * 24 * 3600),
    // At least 8 days: longer than the gateway's 7-day eventId memory, so a redelivery the gateway
    // would still call a duplicate always meets its ledger row too.
    ledgerRetentionDays: reader.read('LEDGER_RETENTION_DAYS', integer({ min: MIN_LEDGER_RETENTION_DAYS, max: 3650 }), 30),
    ledgerPruneCron: reader.read('LEDGER_PRUNE_CRON', sixFieldCron, '0 40 * * * *'),
    maxItemKinds: reader.read('MAX_ITEM_KINDS', integer({ min: 1, max: 100_000 }), 1000),
  };
}
