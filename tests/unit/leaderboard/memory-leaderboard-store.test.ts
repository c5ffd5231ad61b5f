import { MemoryLeaderboardStore } from '../../../src/adapters/memory/memory-leaderboard-store.js';
import { leaderboardStoreContract } from '../../contract/leaderboard-store.contract.js';

leaderboardStoreContract('memory', () => new MemoryLeaderboardStore());
