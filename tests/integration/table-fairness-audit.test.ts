import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTableFairnessAudit } from '../../src/adapters/tables/table-fairness-audit.js';
import { createTableStorage } from '../../src/adapters/tables/table-storage.js';
import { fairnessAuditContract } from '../contract/fairness-audit.contract.js';
import { recordingLogger, startAzurite, type Azurite } from '../support/services.js';

describe('Table Storage fairness audit (Azurite)', () => {
  let azurite: Azurite | undefined;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  fairnessAuditContract('tables', () => {
    if (azurite === undefined) throw new Error('Azurite did not start (see beforeAll)');
    const tables = createTableStorage({ connectionString: azurite.connectionString }, { logger: recordingLogger().logger });
    // A fresh table pair per test: Table names are alphanumeric, so the prefix is too.
    return createTableFairnessAudit({ tables, prefix: `t${randomBytes(5).toString('hex')}` });
  });
});
