import { MemoryFairnessStore } from '../../../src/adapters/memory/memory-fairness-store.js';
import { CONTRACT_RETENTION, fairnessStoreContract } from '../../contract/fairness-store.contract.js';

fairnessStoreContract('memory', () => new MemoryFairnessStore(CONTRACT_RETENTION));
