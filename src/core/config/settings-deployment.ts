import type { Settings } from './types.js';

/**
 * When the published development keys must not sign (issue #19 item 8): whenever the app talks
 * to a service that is not on this machine. A laptop with local Redis, MariaDB and Azurite keeps
 * `npm start` working with no keys; a pod pointed at Azure Cache for Redis, a MySQL VM or a
 * storage account is a deployment, and a key every cheater can read would sign its events. So is
 * an embedded host listening beyond loopback (LISTEN_ADDRESS).
 * Returns the reason (for the start-up error) or undefined when the published keys may be used.
 */
export function publishedKeysRefusal(services: Pick<Settings, 'bus' | 'redis' | 'mysql' | 'tables' | 'listenAddress'>): string | undefined {
  if (services.bus.kind === 'servicebus') return 'BUS_KIND=servicebus';
  // Issue #19 item 7: the embedded host reachable from the network with the published admin key
  // is an open admin API for anyone on the LAN.
  if (!isLoopbackAddress(services.listenAddress)) return `LISTEN_ADDRESS=${services.listenAddress} is reachable from other machines`;
  if (services.redis !== undefined && !isLocalUrl(services.redis.url)) return 'REDIS_URL points at another machine';
  if (services.mysql !== undefined && !isLocalUrl(services.mysql.url)) return 'MYSQL_URL points at another machine';
  const { tables } = services;
  if (tables !== undefined && !('endpoint' in tables ? isLocalUrl(tables.endpoint) : isLocalConnectionString(tables.connectionString))) {
    return `${'endpoint' in tables ? 'TABLES_ENDPOINT' : 'TABLES_CONNECTION'} points at another machine`;
  }
  return undefined;
}

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '[::1]', '::1']);

/** True for a URL whose host is this machine (localhost, 127.0.0.0/8, ::1); an unparsable one is not. */
export function isLocalUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const host = new URL(text).hostname.toLowerCase();
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** 127.0.0.0/8 or ::1: only this machine can connect. */
export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** `UseDevelopmentStorage=true`, or a connection string whose TableEndpoint is on this machine. */
function isLocalConnectionString(connection: string): boolean {
  const parts = new Map(
    connection
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')).toLowerCase(), part.slice(part.indexOf('=') + 1)] as const),
  );
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') return true;
  const endpoint = parts.get('tableendpoint');
  return endpoint !== undefined && isLocalUrl(endpoint);
}
