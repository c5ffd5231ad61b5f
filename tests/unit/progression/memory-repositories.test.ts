import { MemoryProgressRepository } from '../../../src/adapters/memory/memory-progress-repository.js';
import { MemoryReceiptRepository } from '../../../src/adapters/memory/memory-receipt-repository.js';
import { progressRepositoryContract, receiptRepositoryContract } from '../../contract/progression.contract.js';

progressRepositoryContract('memory', () => new MemoryProgressRepository());
receiptRepositoryContract('memory', () => new MemoryReceiptRepository());
