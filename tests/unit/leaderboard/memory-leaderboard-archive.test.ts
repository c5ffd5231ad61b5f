import { MemoryLeaderboardArchive } from '../../../src/adapters/memory/memory-leaderboard-archive.js';
import { MemoryLock } from '../../../src/adapters/memory/memory-lock.js';
import { leaderboardArchiveContract } from '../../contract/leaderboard-archive.contract.js';

leaderboardArchiveContract('memory', () => ({ archive: new MemoryLeaderboardArchive(), lock: new MemoryLock() }));
