import type { AppContext } from '../../app/app-context.js';
import { envelopeSchema } from '../../core/ingestion/envelope.js';
import { invalidEnvelopes, parseMessages } from '../../core/ingestion/parse-messages.js';
import { UpdatePlanner } from '../../core/leaderboard/updates.js';
import { LeaderboardWriter } from '../../core/leaderboard/writer.js';
import { retryTransient } from '../bus/transient-retry.js';
import { SERVICE_BUS_CONNECTION_SETTING, type ServiceBusTopicFunctionDefinition } from '../definition.js';
import { instrumentBusHandler } from '../bus/instrument.js';
import { writerObserver } from './metrics.js';

function buildWriter(app: AppContext): LeaderboardWriter {
  const { settings } = app;
  const { store, calendar } = app.leaderboards;
  return new LeaderboardWriter({
    store,
    planner: new UpdatePlanner({ boards: settings.leaderboards.boards, calendar, seasonId: settings.leaderboards.seasonId }),
    logger: app.logger.child({ function: 'leaderboard' }),
    observer: writerObserver(app),
  });
}

/**
 * Leaderboards: the `leaderboard` subscription of the verified topic (sessions on, batches). Each
 * event goes to every board whose source is its type, in each of the board's windows, once per
 * board key whatever the bus redelivers (core/leaderboard/writer.ts). A known outage is retried
 * in place (retryTransient); a body that is not an envelope is dead-lettered with a reason, after
 * the rest of its batch was applied.
 */
export const leaderboardConsumer: ServiceBusTopicFunctionDefinition = {
  kind: 'serviceBusTopic',
  name: 'leaderboard',
  options: {
    connection: SERVICE_BUS_CONNECTION_SETTING,
    topicName: '%BUS_VERIFIED_TOPIC%',
    subscriptionName: '%BUS_SUB_LEADERBOARD%',
    isSessionsEnabled: true,
    cardinality: 'many',
  },
  handler: (app) => {
    const writer = buildWriter(app);
    const schema = envelopeSchema({ payloadMax: app.settings.limits.payloadMax });
    // The wrapper adds the bus RED metrics and puts the batch's trace context on every log line.
    return instrumentBusHandler({
      app,
      name: 'leaderboard',
      handle: async ({ batch, logger }) => {
        const parsed = parseMessages(batch, { schema, currentSeason: app.settings.leaderboards.seasonId });
        const events = parsed.events.map((e) => e.event);
        if (events.length > 0) await retryTransient({ operation: () => writer.apply(events, app.now()), logger, now: app.now, sleep: app.sleep });
        const poison = invalidEnvelopes(parsed.poison);
        if (poison !== undefined) throw poison;
      },
    });
  },
};
