import { isIP } from 'node:net';
import { z } from 'zod';
import type { SettingsProblem } from './settings-error.js';

/** Setting names to raw values, as found in the environment (after secret resolution). */
export type RawSettings = Readonly<Record<string, string | undefined>>;

/** A schema that turns one raw (trimmed, non-empty) setting value into its typed value. */
export type SettingSchema<T> = z.ZodType<T, string>;

/**
 * Reads settings while collecting problems, so that one start-up error lists every mistake in a
 * deployment instead of the first. A setting that fails validation reads as its fallback; the
 * caller throws before such a value is ever used.
 */
export interface SettingsReader {
  /** The trimmed value; `undefined` when unset, empty or blank. */
  value(setting: string): string | undefined;
  /** The parsed value, `fallback` when unset (the default) or invalid (a problem is recorded). */
  read<T>(setting: string, schema: SettingSchema<T>, fallback: T): T;
  /** The parsed value; `undefined` when unset or invalid (a problem is recorded). */
  readOptional<T>(setting: string, schema: SettingSchema<T>): T | undefined;
  problem(setting: string, rule: string): void;
  /** Cross-setting rules skip settings that already have a problem, to avoid follow-up noise. */
  failed(setting: string): boolean;
  readonly problems: readonly SettingsProblem[];
}

export function createSettingsReader(raw: RawSettings): SettingsReader {
  const problems: SettingsProblem[] = [];
  const failed = new Set<string>();
  const problem = (setting: string, rule: string): void => {
    problems.push({ setting, rule });
    failed.add(setting);
  };
  const value = (setting: string): string | undefined => {
    const trimmed = raw[setting]?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  };
  const readOptional = <T>(setting: string, schema: SettingSchema<T>): T | undefined => {
    const text = value(setting);
    if (text === undefined) return undefined;
    const result = schema.safeParse(text);
    if (result.success) return result.data;
    // Zod issues carry only our own messages (no input), so they are safe to surface.
    for (const rule of new Set(result.error.issues.map((issue) => issue.message))) problem(setting, rule);
    return undefined;
  };
  return {
    value,
    readOptional,
    read: (setting, schema, fallback) => readOptional(setting, schema) ?? fallback,
    problem,
    failed: (setting) => failed.has(setting),
    problems,
  };
}

export function integer(range: { readonly min: number; readonly max: number }): SettingSchema<number> {
  const rule = `must be an integer from ${range.min} to ${range.max}`;
  return z
    .string()
    .regex(/^[+-]?\d+$/, { error: rule })
    .transform(Number)
    .pipe(z.number().int().min(range.min, { error: rule }).max(range.max, { error: rule }));
}

/** A decimal number strictly greater than 0 (rates and thresholds), at most `max`. */
export function positiveNumber(max: number): SettingSchema<number> {
  const rule = `must be a number greater than 0 and at most ${max}`;
  return z
    .string()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, { error: rule })
    .transform(Number)
    .pipe(z.number().gt(0, { error: rule }).max(max, { error: rule }));
}

/** One of `values`, case-insensitive (operators write `INFO` as often as `info`). */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V): SettingSchema<V[number]> {
  return z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));
}

/** An IPv4 or IPv6 address to bind to (`127.0.0.1`, `0.0.0.0`, `::1`); names are not resolved here. */
export function ipAddress(): SettingSchema<string> {
  return z.string().refine((s) => isIP(s) !== 0, { error: 'must be an IPv4 or IPv6 address, e.g. 127.0.0.1 or 0.0.0.0' });
}

function hasUrlShape(text: string, protocols: readonly string[]): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return protocols.includes(url.protocol) && url.hostname !== '';
}

/** A URL with one of `protocols` (e.g. `redis:`) and a host. The rule never echoes the value. */
export function urlWith(protocols: readonly string[], rule: string): SettingSchema<string> {
  return z.string().refine((s) => hasUrlShape(s, protocols), { error: rule });
}

/** `Key=value;Key=value` pairs, optionally requiring one key (connection strings are secrets). */
export function connectionString(options: { readonly rule: string; readonly requires?: RegExp }): SettingSchema<string> {
  const pair = /^[A-Za-z][A-Za-z0-9 ]*=.*$/;
  return z
    .string()
    .refine((s) => s.split(';').every((part) => part.trim() === '' || pair.test(part.trim())), { error: options.rule })
    .refine((s) => options.requires === undefined || options.requires.test(s), { error: options.rule });
}

/** Service Bus entity names: letters, digits, `.`, `_`, `-` (and `/` for queues and topics). */
export function entityName(options: { readonly maxLength: number; readonly slash: boolean }): SettingSchema<string> {
  const chars = options.slash ? 'A-Za-z0-9._/-' : 'A-Za-z0-9._-';
  const pattern = new RegExp(`^[A-Za-z0-9][${chars}]{0,${options.maxLength - 1}}$`);
  return z.string().regex(pattern, {
    error: `must be a Service Bus entity name (letters, digits, ${options.slash ? "'.', '_', '-', '/'" : "'.', '_', '-'"}; at most ${options.maxLength} characters)`,
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch (error: unknown) {
    // Only an unknown zone is an answer here; anything else is a bug worth crashing on.
    if (error instanceof RangeError) return false;
    throw error;
  }
}

export const timeZone: SettingSchema<string> = z
  .string()
  .refine(isTimeZone, { error: 'must be an IANA time zone such as UTC or Europe/Berlin' });

/** Six whitespace-separated fields, seconds first, like the Functions timer trigger (NCRONTAB). */
export const sixFieldCron: SettingSchema<string> = z
  .string()
  .refine((s) => {
    const fields = s.split(/\s+/);
    return fields.length === 6 && fields.every((f) => /^[0-9A-Za-z*?/,#-]+$/.test(f));
  }, { error: "must be a 6-field cron expression with seconds first, e.g. '0 */15 * * * *'" });

/**
 * A JSON-valued setting, parsed: `undefined` when unset; `{ ok: false }` when not JSON (a
 * problem naming `expected` is recorded; the parser's own message is dropped because it quotes the
 * input, which may be a secret); else the value for the caller's schema.
 */
export function readJsonSetting(reader: SettingsReader, setting: string, expected: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } | undefined {
  const text = reader.value(setting);
  if (text === undefined) return undefined;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error: unknown) {
    if (!(error instanceof SyntaxError)) throw error;
    reader.problem(setting, `not valid JSON (expected ${expected})`);
    return { ok: false };
  }
}
