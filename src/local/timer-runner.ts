import { Cron } from 'croner';
import type { Timer } from '@azure/functions';
import type { AppContext } from '../app/app-context.js';
import type { TimerFunctionDefinition } from '../functions/definition.js';
import { resolveBindingExpression } from '../core/config/binding-expressions.js';
import { createInvocationContext } from './invocation.js';

/**
 * Runs timer functions on their six-field (seconds first) cron schedules, like the Functions host.
 * A run that is still going when the next tick comes is not started twice (`protect`), and
 * `close` waits for running ones so shutdown never cuts a snapshot in half.
 */
export function startTimers(options: {
  readonly app: AppContext;
  readonly definitions: readonly TimerFunctionDefinition[];
}): { close(): Promise<void> } {
  const { app } = options;
  const running = new Set<Promise<void>>();

  const jobs = options.definitions.map((def) => {
    const handler = def.handler(app);
    const schedule = resolveBindingExpression(def.options.schedule, app.settings);
    const invoke = async (scheduled: Date | undefined, isPastDue: boolean): Promise<void> => {
      const context = createInvocationContext({ functionName: def.name, triggerType: 'timerTrigger', logger: app.logger });
      const timer: Timer = {
        isPastDue,
        schedule: { adjustForDST: true },
        scheduleStatus: { last: '', next: job.nextRun()?.toISOString() ?? '', lastUpdated: (scheduled ?? new Date()).toISOString() },
      };
      const run = Promise.resolve(handler(timer, context)).then(
        () => undefined,
        (error: unknown) => { app.logger.error('timer function failed', { function: def.name, err: error }); },
      );
      running.add(run);
      await run.finally(() => running.delete(run));
    };
    const job: Cron = new Cron(schedule, { protect: true, timezone: 'UTC' }, async () => {
      await invoke(job.currentRun() ?? undefined, false);
    });
    if (def.options.runOnStartup) void invoke(undefined, false);
    return job;
  });

  return {
    close: async () => {
      for (const job of jobs) job.stop();
      await Promise.all([...running]);
    },
  };
}
