/**
 * `npm run dlq -- list | show <id> | replay [--entity …] [--reason …] [--dry-run]`: the on-call
 * tool for dead letters and parked poison (docs/runbook.md, "Dead letters"). See `--help`.
 */
import { createClient } from '../adapters/servicebus/service-bus.js';
import { sdkDeadLetterClient, serviceBusDeadLetterAccess } from '../adapters/servicebus/dead-letter-queue.js';
import { parseBusSettings } from '../core/config/settings.js';
import { runCli, UsageError, writeOut } from './cli.js';
import { DLQ_USAGE, parseDlqArgs } from './dlq-args.js';
import { runAgainstAccess, runAgainstEmbedded } from './dlq-run.js';

runCli('dlq', async () => {
  const args = parseDlqArgs(process.argv.slice(2), process.env);
  if (args.help) {
    writeOut(DLQ_USAGE);
    return 0;
  }
  const nowMs = Date.now();
  if (args.target.kind === 'embedded') {
    writeOut(JSON.stringify(await runAgainstEmbedded({ command: args.command, connection: args.target.connection, nowMs }), null, 2));
    return 0;
  }
  const bus = parseBusSettings({ ...process.env, BUS_KIND: 'servicebus' });
  const connection = bus.connectionString !== undefined ? { connectionString: bus.connectionString } : bus.namespace !== undefined ? { namespace: bus.namespace } : undefined;
  if (connection === undefined) throw new UsageError('set SERVICEBUS_NAMESPACE (or SERVICEBUS_CONNECTION) for --target servicebus');
  const client = createClient(connection);
  try {
    const access = serviceBusDeadLetterAccess({ client: sdkDeadLetterClient(client), settings: bus });
    writeOut(JSON.stringify(await runAgainstAccess({ command: args.command, access, nowMs }), null, 2));
  } finally {
    await client.close();
  }
  return 0;
});
