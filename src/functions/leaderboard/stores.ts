import type { AppContext } from '../../app/app-context.js';
import type { LeaderboardParts } from '../../app/leaderboard-parts.js';
import type { LeaderboardPrize } from '../../core/config/settings-prizes.js';
import type { RewardGrants } from '../../core/progression/grants.js';

export type { LeaderboardParts } from '../../app/leaderboard-parts.js';

/** The leaderboard parts of this AppContext (built once by the composition root). */
export function leaderboardPartsOf(app: AppContext): LeaderboardParts {
  return app.leaderboards;
}

/** The progression grant interface that pays prizes. */
export function grantsOf(app: AppContext): RewardGrants | undefined {
  return app.grants;
}

/** LEADERBOARD_PRIZES. */
export function prizesOf(app: AppContext): readonly LeaderboardPrize[] {
  return app.settings.leaderboards.prizes;
}
