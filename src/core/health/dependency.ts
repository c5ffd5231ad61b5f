/**
 * One external dependency of a worker process (Redis, MySQL, Table Storage, the bus), as seen by
 * the readiness probe and by graceful shutdown.
 */
export interface Dependency {
  /** Stable lower-case name used in `/api/readyz` and logs: `redis`, `mysql`, `tables`, `bus`. */
  readonly name: string;
  /** `embedded` for the in-process default, `real` for a network service. */
  readonly mode: 'embedded' | 'real';
  /** Resolves when the dependency answers; rejects (quickly, never hangs) when it does not. */
  ping(): Promise<void>;
  /** Releases connections; safe to call more than once. */
  close(): Promise<void>;
}
