import type { SettingsReader } from './settings-reader.js';
import type { PayloadField, PayloadMax } from './types.js';

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

const FIELDS = Object.keys(DEFAULT_PAYLOAD_MAX) as PayloadField[];

function isField(name: string): name is PayloadField {
  return (FIELDS as readonly string[]).includes(name);
}

/** `PAYLOAD_MAX`: a JSON object overriding some of the defaults, e.g. `{"boss_kill.points":50000}`. */
export function readPayloadMax(reader: SettingsReader): PayloadMax {
  const setting = 'PAYLOAD_MAX';
  const text = reader.value(setting);
  if (text === undefined) return DEFAULT_PAYLOAD_MAX;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    if (!(error instanceof SyntaxError)) throw error;
    reader.problem(setting, `not valid JSON (expected {"<type>.<field>": <max>}, fields: ${FIELDS.join(', ')})`);
    return DEFAULT_PAYLOAD_MAX;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    reader.problem(setting, `must be a JSON object {"<type>.<field>": <max>}`);
    return DEFAULT_PAYLOAD_MAX;
  }
  const result: Record<PayloadField, number> = { ...DEFAULT_PAYLOAD_MAX };
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
