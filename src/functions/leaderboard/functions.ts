import { leaderboardConsumer } from './consumer.js';
import { leaderboardRoutes } from './routes.js';
import { leaderboardSnapshotFunctions } from './snapshot.js';

/**
 * Every leaderboard function (issue #6), for the catalogue: the verified-topic consumer, the four
 * read routes, the snapshot timer and its admin route.
 */
export const leaderboardFunctions = [leaderboardConsumer, ...leaderboardRoutes, ...leaderboardSnapshotFunctions] as const;
