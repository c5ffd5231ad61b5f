/** Injectable scheduling, so tests can drive scheduled messages and lock expiry deterministically. */
export interface TimerApi {
  readonly setTimer: (callback: () => void, delayMs: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
}

export const realTimers: TimerApi = {
  // Unref'd: a pending schedule must not keep a finished test run or CLI process alive.
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimer: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * One timer that fires at the earliest pending instant. Re-arming for the same instant keeps the
 * current timer, so the frequent re-evaluations after each send do not churn timers.
 */
export class WakeTimer {
  private current: { readonly handle: unknown; readonly at: number } | undefined;

  constructor(
    private readonly timers: TimerApi,
    private readonly onWake: () => void,
  ) {}

  arm(at: number | undefined, now: number): void {
    if (this.current?.at === at) return;
    this.cancel();
    if (at === undefined) return;
    const handle = this.timers.setTimer(() => {
      this.current = undefined;
      this.onWake();
    }, Math.max(0, at - now));
    this.current = { handle, at };
  }

  cancel(): void {
    if (this.current !== undefined) this.timers.clearTimer(this.current.handle);
    this.current = undefined;
  }
}
