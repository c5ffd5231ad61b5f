/**
 * Deterministic async helpers for the bus tests: every wait is a bounded number of event-loop
 * turns, never a wall-clock delay, so tests neither sleep nor depend on timing.
 */

/** Drains every pending microtask (and whatever they chain) before resolving. */
export function flush(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(resolve);
  });
}

/** One event-loop turn that also lets due timers run (the session loop's error back-off uses one). */
function turn(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}

/**
 * Turns the event loop until `condition` holds; fails (instead of hanging) after a bounded number
 * of turns. Nothing here measures time: the bound only turns a missing event into a clear failure.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turns = 0; turns < 200; turns += 1) {
    if (condition()) return;
    await turn();
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A promise that a test opens by hand. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open: () => { open(); } };
}

/** True when `promise` has settled after the pending microtasks ran (no timing involved). */
export async function settlesNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => { settled = true; },
    () => { settled = true; },
  );
  await flush();
  return settled;
}

/** Awaits `promise`, but fails with `what` instead of hanging when it never settles. */
export async function settleWithin<T>(promise: Promise<T>, what: string): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined); // the rejection is rethrown by the `return` below
  await until(() => settled, what);
  return tracked;
}
