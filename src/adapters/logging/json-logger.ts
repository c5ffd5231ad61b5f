import type { LogLevel } from '../../core/config/types.js';
import type { LogFields, Logger } from '../../core/logging/logger.js';

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Secrets shorter than this are not scrubbed: they would match ordinary words and ids. */
const MIN_SECRET_LENGTH = 8;
const REDACTED = '[redacted]';

export interface JsonLoggerOptions {
  readonly level: LogLevel;
  /** Every secret string the process knows (settings.secretValuesOf); scrubbed from each line. */
  readonly secrets?: readonly string[];
  /** Where finished lines go; defaults to stdout. Injected by tests. */
  readonly write?: (line: string) => void;
  readonly fields?: LogFields;
  readonly now?: () => Date;
}

/**
 * JSON-lines logger (DESIGN §8). Redaction happens on the serialised line, after every field
 * and error message is in it, so a secret that reaches a log through a driver's error text is
 * still removed: the guarantee does not depend on each caller remembering to redact.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const secrets = [...new Set(options.secrets ?? [])]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const minRank = LEVEL_RANK[options.level];

  const scrub = (line: string): string => secrets.reduce((acc, s) => acc.split(s).join(REDACTED), line);

  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
      if (LEVEL_RANK[level] < minRank) return;
      const record = { level, time: now().toISOString(), msg: message, ...base, ...fields };
      write(`${scrub(JSON.stringify(record, jsonReplacer))}\n`);
    };
    return {
      debug: (m, f) => { emit('debug', m, f); },
      info: (m, f) => { emit('info', m, f); },
      warn: (m, f) => { emit('warn', m, f); },
      error: (m, f) => { emit('error', m, f); },
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** Errors become `{name, message, code}`: stack traces are noise in production log search. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as Error & { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(code === undefined ? {} : { code }),
      ...(value.cause === undefined ? {} : { cause: value.cause }),
    };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
