import type { Settings } from '../core/config/types.js';

export interface PartDescription {
  readonly part: string;
  readonly mode: 'embedded' | 'real';
  readonly detail: string;
}

/**
 * One line per part of the app saying whether it runs embedded or against a real service, so
 * whoever starts the process sees at a glance what it will talk to. Never prints a secret.
 */
export function describeParts(settings: Settings): readonly PartDescription[] {
  const b = settings.bus;
  return [
    b.kind === 'memory'
      ? { part: 'bus', mode: 'embedded', detail: `in-memory bus (sessions, max ${b.maxDeliveryCount} deliveries, dead-letter list)` }
      : { part: 'bus', mode: 'real', detail: `Azure Service Bus via ${b.connectionString ? 'SERVICEBUS_CONNECTION' : `managed identity on ${b.namespace ?? '?'}`}` },
    settings.redis
      ? { part: 'redis', mode: 'real', detail: 'Redis (REDIS_URL)' }
      : { part: 'redis', mode: 'embedded', detail: 'REDIS_URL unset: in-memory stores' },
    settings.mysql
      ? { part: 'mysql', mode: 'real', detail: 'MySQL (MYSQL_URL)' }
      : { part: 'mysql', mode: 'embedded', detail: 'MYSQL_URL unset: in-memory stores' },
    settings.tables
      ? { part: 'tables', mode: 'real', detail: `Table Storage (${'connectionString' in settings.tables ? 'TABLES_CONNECTION' : 'TABLES_ENDPOINT, managed identity'})` }
      : { part: 'tables', mode: 'embedded', detail: 'TABLES_CONNECTION/TABLES_ENDPOINT unset: in-memory stores' },
    settings.signing.hmacKeysSource === 'development'
      ? { part: 'signing', mode: 'embedded', detail: "published development key (kid 'dev'); set HMAC_KEYS for anything real" }
      : { part: 'signing', mode: 'real', detail: `${settings.signing.hmacKeys.kids.length} key(s): ${settings.signing.hmacKeys.kids.join(', ')}` },
    {
      part: 'secrets',
      mode: settings.secrets.keyVaultUri || settings.secrets.dir ? 'real' : 'embedded',
      detail: ['environment', settings.secrets.dir ? 'SECRETS_DIR files' : undefined, settings.secrets.keyVaultUri ? 'Key Vault' : undefined]
        .filter((s) => s !== undefined)
        .join(' → '),
    },
  ];
}
