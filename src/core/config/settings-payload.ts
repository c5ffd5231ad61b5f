import type { SettingsReader } from './settings-reader.js';
import { readJsonSetting } from './settings-reader.js';
import type { FairnessCaps, PayloadField, PayloadMax } from './types.js';

/**
 * Upper bounds of the numeric payload fields the gateway accepts (DESIGN §2: "upper bounds per
 * field come from settings, not literals"). Generous on purpose: they reject garbage and overflow,
 * while catching implausible-but-representable values is fairness's job (its own hard caps).
 */
export const DEFAULT_PAYLOAD_MAX: PayloadMax = Object.freeze({
  'progression.deltaXp': 1_000_000,
  'boss_kill.points': 10_000_000,
  'match_end.score': 1_000_000_000,
  'match_end.durationMs': 24 * 60 * 60 * 1000,
});

/**
 * Fairness hard caps (`FAIRNESS_CAPS`): a value above its cap is flagged outright, whatever the
 * statistics say. Far below PAYLOAD_MAX (which only rejects garbage) and far above any honest
 * value the default game economy produces (a tier-10 boss is worth about 10 000 points).
 */
export const DEFAULT_FAIRNESS_CAPS: FairnessCaps = Object.freeze({
  'progression.deltaXp': 50_000,
  'boss_kill.points': 100_000,
  'match_end.score': 10_000_000,
  'match_end.durationMs': 6 * 60 * 60 * 1000,
});

const FIELDS = Object.keys(DEFAULT_PAYLOAD_MAX) as PayloadField[];

function isField(name: string): name is PayloadField {
  return (FIELDS as readonly string[]).includes(name);
}

/** `PAYLOAD_MAX`: a JSON object overriding some of the defaults, e.g. `{"boss_kill.points":50000}`. */
export function readPayloadMax(reader: SettingsReader): PayloadMax {
  return readFieldBounds(reader, 'PAYLOAD_MAX', DEFAULT_PAYLOAD_MAX);
}

/** `FAIRNESS_CAPS`: the same shape as PAYLOAD_MAX. */
export function readFairnessCaps(reader: SettingsReader): FairnessCaps {
  return readFieldBounds(reader, 'FAIRNESS_CAPS', DEFAULT_FAIRNESS_CAPS);
}

function readFieldBounds(reader: SettingsReader, setting: string, defaults: Readonly<Record<PayloadField, number>>): Readonly<Record<PayloadField, number>> {
  const text = reader.value(setting);
  if (text === undefined) return defaults;
  const json = readJsonSetting(reader, setting, `{"<type>.<field>": <max>}, fields: ${FIELDS.join(', ')}`);
  if (json?.ok !== true) return defaults;
  const parsed = json.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    reader.problem(setting, `must be a JSON object {"<type>.<field>": <max>}`);
    return defaults;
  }
  const result: Record<PayloadField, number> = { ...defaults };
  for (const [name, value] of Object.entries(parsed)) {
    if (!isField(name)) {
      reader.problem(setting, `unknown field '${name}' (known: ${FIELDS.join(', ')})`);
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      reader.problem(setting, `'${name}' must be a positive integer`);
    } else {
      result[name] = value;
    }
  }
  return Object.freeze(result);
}
