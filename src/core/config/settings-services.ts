import { z } from 'zod';
import type { BusSettings, Settings } from './types.js';
// The entity names shared with Bicep and the manifests (one source; tests keep the copies in step).
import TOPOLOGY from './topology.json';
import { connectionString, entityName, integer, oneOf, urlWith, type SettingsReader } from './settings-reader.js';
import { redactAll, redactUrl, withSecretFields } from './secret-fields.js';

// URLs and connection strings hold passwords: every rule below describes the expected shape
// and never quotes the value.
const redisUrl = urlWith(['redis:', 'rediss:'], 'must be a redis:// or rediss:// URL');
const mysqlUrl = urlWith(['mysql:'], 'must be a mysql:// URL');
const httpUrl = urlWith(['http:', 'https:'], 'must be an http:// or https:// URL');
const httpsUrl = urlWith(['https:'], 'must be an https:// URL');
const anyConnectionString = connectionString({ rule: 'must be a connection string of Key=value pairs separated by ;' });
const serviceBusConnection = connectionString({
  rule: 'must be a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)',
  requires: /(^|;)\s*Endpoint\s*=\s*sb:\/\//i,
});
const namespace = z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, {
  error: 'must be a fully qualified namespace such as <name>.servicebus.windows.net',
});
const secretsDir = z.string().refine((dir) => !dir.includes('\0'), { error: 'must be a directory path' });

export function readBus(reader: SettingsReader): BusSettings {
  const kind = reader.read('BUS_KIND', oneOf(['memory', 'servicebus']), 'memory');
  const names = {
    ingressQueue: reader.read('BUS_INGRESS_QUEUE', entityName({ maxLength: 260, slash: true }), TOPOLOGY.ingressQueue.name),
    verifiedTopic: reader.read('BUS_VERIFIED_TOPIC', entityName({ maxLength: 260, slash: true }), TOPOLOGY.verifiedTopic.name),
    progressionSubscription: reader.read('BUS_SUB_PROGRESSION', entityName({ maxLength: 50, slash: false }), TOPOLOGY.verifiedTopic.subscriptions.progression.name),
    leaderboardSubscription: reader.read('BUS_SUB_LEADERBOARD', entityName({ maxLength: 50, slash: false }), TOPOLOGY.verifiedTopic.subscriptions.leaderboard.name),
    parkedQueue: reader.read('BUS_PARKED_QUEUE', entityName({ maxLength: 260, slash: true }), TOPOLOGY.parkedQueue.name),
    maxDeliveryCount: reader.read('BUS_MAX_DELIVERY_COUNT', integer({ min: 1, max: 2000 }), TOPOLOGY.ingressQueue.maxDeliveryCount),
  };
  if (kind === 'memory') {
    // The connection settings only matter to the real bus; BusSettings documents them as unset here.
    return { kind, connectionString: undefined, namespace: undefined, ...names };
  }
  const hasConnection = reader.value('SERVICEBUS_CONNECTION') !== undefined;
  const hasNamespace = reader.value('SERVICEBUS_NAMESPACE') !== undefined;
  if (hasConnection === hasNamespace) {
    reader.problem(
      'SERVICEBUS_CONNECTION',
      `set exactly one of SERVICEBUS_CONNECTION and SERVICEBUS_NAMESPACE when BUS_KIND=servicebus (${hasConnection ? 'both are' : 'neither is'} set)`,
    );
  }
  const bus: BusSettings = {
    kind,
    connectionString: reader.readOptional('SERVICEBUS_CONNECTION', serviceBusConnection),
    namespace: reader.readOptional('SERVICEBUS_NAMESPACE', namespace),
    ...names,
  };
  return withSecretFields(bus, { connectionString: redactAll });
}

export function readTables(reader: SettingsReader): Settings['tables'] {
  const connection = reader.readOptional('TABLES_CONNECTION', anyConnectionString);
  const endpoint = reader.readOptional('TABLES_ENDPOINT', httpUrl);
  if (reader.value('TABLES_CONNECTION') !== undefined && reader.value('TABLES_ENDPOINT') !== undefined) {
    reader.problem('TABLES_CONNECTION', 'set only one of TABLES_CONNECTION and TABLES_ENDPOINT');
  }
  if (connection !== undefined) return withSecretFields({ connectionString: connection }, { connectionString: redactAll });
  return endpoint === undefined ? undefined : { endpoint };
}

export function readDatabases(reader: SettingsReader): Pick<Settings, 'redis' | 'mysql'> {
  const redis = reader.readOptional('REDIS_URL', redisUrl);
  const mysql = reader.readOptional('MYSQL_URL', mysqlUrl);
  return {
    redis: redis === undefined ? undefined : withSecretFields({ url: redis }, { url: redactUrl }),
    mysql: mysql === undefined ? undefined : withSecretFields({ url: mysql }, { url: redactUrl }),
  };
}


/** SECRETS_DIR and KEY_VAULT_URI: read before the secrets themselves, from the environment only. */
export function readSecretLocations(reader: SettingsReader): Settings['secrets'] {
  return {
    dir: reader.readOptional('SECRETS_DIR', secretsDir),
    keyVaultUri: reader.readOptional('KEY_VAULT_URI', httpsUrl),
  };
}
