/**
 * The logging port. Every line is one JSON object (DESIGN §8): level, time, message, and the
 * correlation fields below when known. Secrets are scrubbed by the implementation.
 */
export interface LogFields {
  readonly function?: string;
  readonly invocationId?: string;
  readonly eventId?: string;
  readonly playerId?: string;
  readonly traceparent?: string;
  readonly [field: string]: unknown;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}
