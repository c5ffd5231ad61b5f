import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { type Dependency } from '../../core/health/dependency.js';
import { type Logger } from '../../core/logging/logger.js';

/** Either a connection string (Azurite, or a key/SAS) or an endpoint reached with Entra ID. */
export type TableStorageConfig =
  | { readonly connectionString: string }
  | { readonly endpoint: string; readonly credential?: TokenCredential };

export interface TableStorageOptions {
  readonly logger: Logger;
  /** How long `ping()` may take before rejecting. Default 2500 ms. */
  readonly pingTimeoutMs?: number;
}

export interface TableStorage {
  readonly service: TableServiceClient;
  /** A client for one table; the same instance for the same name. */
  tableClient(name: string): TableClient;
  /** Creates the table when it does not exist yet; an existing table is fine. */
  ensureTable(name: string): Promise<void>;
  readonly dependency: Dependency;
}

/**
 * Short retry delays: the SDK's defaults back off for several seconds, which would hold an
 * ingestion request far longer than it is worth waiting for an audit write.
 */
const CLIENT_OPTIONS: TableServiceClientOptions = {
  retryOptions: { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
};

export function createTableStorage(config: TableStorageConfig, options: TableStorageOptions): TableStorage {
  const logger = options.logger.child({ dependency: 'tables' });
  const pingTimeoutMs = options.pingTimeoutMs ?? 2_500;
  const factory = clientFactory(config);
  const service = factory.service();
  const clients = new Map<string, TableClient>();

  const tableClient = (name: string): TableClient => {
    let client = clients.get(name);
    if (client === undefined) {
      client = factory.table(name);
      clients.set(name, client);
    }
    return client;
  };

  return {
    service,
    tableClient,
    async ensureTable(name) {
      try {
        // The SDK already treats TableAlreadyExists as success; the catch covers older servers.
        await service.createTable(name);
      } catch (error: unknown) {
        if (!isTableAlreadyExists(error)) throw error;
      }
      logger.debug('table ensured', { table: name });
    },
    dependency: {
      name: 'tables',
      mode: 'real',
      async ping() {
        const controller = new AbortController();
        const timer = setTimeout(() => {
          controller.abort();
        }, pingTimeoutMs);
        try {
          // One page of at most one table: cheap, and allowed by the Table Data Reader role
          // (account service properties would need more than the app's data-plane role).
          await service.listTables({ abortSignal: controller.signal }).byPage({ maxPageSize: 1 }).next();
        } catch (error: unknown) {
          if (controller.signal.aborted) throw new Error(`tables ping timed out after ${pingTimeoutMs} ms`);
          throw error;
        } finally {
          clearTimeout(timer);
        }
      },
      // HTTP clients hold no dedicated connections (the shared keep-alive agent idles out).
      close: () => Promise.resolve(),
    },
  };
}

interface ClientFactory {
  service(): TableServiceClient;
  table(name: string): TableClient;
}

function clientFactory(config: TableStorageConfig): ClientFactory {
  if ('connectionString' in config) {
    const cs = config.connectionString;
    // Plain HTTP is only ever for the local emulator, and only when the string says so itself.
    const clientOptions: TableServiceClientOptions = isHttpConnectionString(cs)
      ? { ...CLIENT_OPTIONS, allowInsecureConnection: true }
      : CLIENT_OPTIONS;
    return {
      service: () => TableServiceClient.fromConnectionString(cs, clientOptions),
      table: (name) => TableClient.fromConnectionString(cs, name, clientOptions),
    };
  }
  // Managed identity in Azure (AZURE_CLIENT_ID selects a user-assigned one), developer sign-in
  // locally. Created once so all clients share its token cache.
  const credential = config.credential ?? new DefaultAzureCredential();
  const endpoint = config.endpoint;
  return {
    service: () => new TableServiceClient(endpoint, credential, CLIENT_OPTIONS),
    table: (name) => new TableClient(endpoint, name, credential, CLIENT_OPTIONS),
  };
}

/** True when the table endpoint (or the default protocol, absent an endpoint) is `http`. */
export function isHttpConnectionString(connectionString: string): boolean {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const endpoint = parts.get('tableendpoint');
  if (endpoint !== undefined) return endpoint.toLowerCase().startsWith('http://');
  return parts.get('defaultendpointsprotocol')?.toLowerCase() === 'http';
}

function isTableAlreadyExists(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = 'statusCode' in error ? error.statusCode : undefined;
  const code = 'code' in error ? error.code : undefined;
  return status === 409 && code === 'TableAlreadyExists';
}
