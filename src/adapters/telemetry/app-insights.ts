import type * as AppInsights from 'applicationinsights';
import type { Logger } from '../../core/logging/logger.js';

/** The two calls this adapter makes; tests inject a fake module with them. */
export type AppInsightsModule = Pick<typeof AppInsights, 'useAzureMonitor' | 'shutdownAzureMonitor'>;

export interface AppInsightsHandle {
  readonly enabled: boolean;
  /** Flushes what is queued and shuts the exporters down; a no-op when disabled. */
  stop(): Promise<void>;
}

export interface AppInsightsOptions {
  /** `settings.telemetry.appInsightsConnectionString`; unset = disabled, and nothing is loaded. */
  readonly connectionString: string | undefined;
  readonly logger: Logger;
  /** The App Insights "cloud role" when OTEL_SERVICE_NAME does not name one. */
  readonly serviceName?: string;
  /** Replaces `import('applicationinsights')` (tests). */
  readonly load?: () => Promise<AppInsightsModule>;
}

const DISABLED: AppInsightsHandle = { enabled: false, stop: () => Promise.resolve() };

/**
 * Azure Monitor export through `applicationinsights` 3 (the OpenTelemetry-based distro): requests
 * and dependencies (HTTP, Azure SDK incl. Service Bus, MySQL, Redis), exceptions and performance
 * counters. Under the Functions host the distro joins each invocation to the host's trace context.
 *
 * The package and its OpenTelemetry tree are loaded only when a connection string is set, so a
 * worker without one pays nothing, not even the require. Start it as early as possible: only
 * modules loaded after it are auto-instrumented.
 */
export async function startAppInsights(options: AppInsightsOptions): Promise<AppInsightsHandle> {
  const { connectionString, logger } = options;
  if (connectionString === undefined) return DISABLED;
  const ai = await (options.load ?? (() => import('applicationinsights')))();
  // The distro reads the service name (App Insights' cloud role) only from the environment or an
  // OpenTelemetry Resource; building a Resource would need a direct @opentelemetry dependency.
  process.env.OTEL_SERVICE_NAME ??= options.serviceName ?? 'liveops-functions';
  ai.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // Live Metrics keeps a connection open per worker; the Grafana board covers that need.
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: { enabled: true },
      azureSdk: { enabled: true },
      mySql: { enabled: true },
      redis: { enabled: true },
    },
  });
  logger.info('application insights: enabled', { part: 'telemetry', mode: 'real' });
  return {
    enabled: true,
    stop: async () => {
      try {
        await ai.shutdownAzureMonitor();
      } catch (error: unknown) {
        // Telemetry that cannot be flushed at shutdown is lost either way; the worker still stops.
        logger.warn('application insights: shutdown failed', { err: error });
      }
    },
  };
}
