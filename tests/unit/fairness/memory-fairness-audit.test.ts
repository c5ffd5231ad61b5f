import { MemoryFairnessAudit } from '../../../src/adapters/memory/memory-fairness-audit.js';
import { fairnessAuditContract } from '../../contract/fairness-audit.contract.js';

fairnessAuditContract('memory', () => new MemoryFairnessAudit());
