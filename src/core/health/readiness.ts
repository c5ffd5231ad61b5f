import type { Dependency } from './dependency.js';

export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly mode: 'embedded' | 'real';
  readonly latencyMs: number;
  /** A short, safe reason when down (`timeout`, `ECONNREFUSED`, …), never a connection string. */
  readonly reason?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly dependencies: Readonly<Record<string, DependencyStatus>>;
}

/**
 * Pings every dependency in parallel, each bounded by `timeoutMs` so a black-holed connection
 * cannot make the probe itself hang past the kubelet's timeout.
 */
export async function checkReadiness(options: {
  readonly dependencies: readonly Dependency[];
  readonly timeoutMs: number;
  readonly now: () => number;
}): Promise<Readiness> {
  const entries = await Promise.all(
    options.dependencies.map(async (dep): Promise<[string, DependencyStatus]> => {
      const started = options.now();
      const outcome = await withTimeout(dep.ping(), options.timeoutMs);
      const latencyMs = Math.max(0, options.now() - started);
      return [
        dep.name,
        outcome.ok
          ? { status: 'up', mode: dep.mode, latencyMs }
          : { status: 'down', mode: dep.mode, latencyMs, reason: outcome.reason },
      ];
    }),
  );
  return { ready: entries.every(([, s]) => s.status === 'up'), dependencies: Object.fromEntries(entries) };
}

type Outcome = { ok: true } | { ok: false; reason: string };

async function withTimeout(ping: Promise<void>, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => { resolve({ ok: false, reason: 'timeout' }); }, timeoutMs);
  });
  try {
    return await Promise.race([ping.then((): Outcome => ({ ok: true }), (e: unknown): Outcome => ({ ok: false, reason: reasonOf(e) })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error's code or class name: enough for the on-call engineer, nothing a client could abuse. */
function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' && code.length > 0 ? code : error.name;
  }
  return 'error';
}
