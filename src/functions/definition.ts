import type {
  HttpFunctionOptions,
  HttpMethod,
  ServiceBusQueueFunctionOptions,
  ServiceBusQueueHandler,
  ServiceBusTopicFunctionOptions,
  ServiceBusTopicHandler,
  TimerFunctionOptions,
  TimerHandler,
} from '@azure/functions';
import type { AppContext } from '../app/app-context.js';
import type { RouteHandler } from './http/request-view.js';
import type { OperationDocs } from './openapi/operation-docs.js';

/**
 * A function is declared once, as data: its Azure Functions trigger options plus a factory that
 * builds its handler from the composition root. The Functions host registers it with `app.*`
 * (src/functions/index.ts); the embedded host (src/local) serves the very same handler; tests
 * call `definition.handler(app)` with `new HttpRequest(...)` and `new InvocationContext(...)`.
 *
 * Entity names and schedules use binding expressions (`%BUS_INGRESS_QUEUE%`) so the Functions
 * host resolves them from app settings; the embedded host resolves them from the settings module.
 */
export interface HttpFunctionDefinition {
  readonly kind: 'http';
  readonly name: string;
  readonly options: Omit<HttpFunctionOptions, 'handler' | 'route' | 'methods'> & {
    readonly route: string;
    readonly methods: readonly HttpMethod[];
  };
  readonly handler: (app: AppContext) => RouteHandler;
  /** For `GET /api/openapi.json`; every HTTP function must have it (a test checks). */
  readonly docs?: OperationDocs;
}

export interface ServiceBusQueueFunctionDefinition {
  readonly kind: 'serviceBusQueue';
  readonly name: string;
  readonly options: Omit<ServiceBusQueueFunctionOptions, 'handler'>;
  readonly handler: (app: AppContext) => ServiceBusQueueHandler;
}

export interface ServiceBusTopicFunctionDefinition {
  readonly kind: 'serviceBusTopic';
  readonly name: string;
  readonly options: Omit<ServiceBusTopicFunctionOptions, 'handler'>;
  readonly handler: (app: AppContext) => ServiceBusTopicHandler;
}

export interface TimerFunctionDefinition {
  readonly kind: 'timer';
  readonly name: string;
  readonly options: Omit<TimerFunctionOptions, 'handler'>;
  readonly handler: (app: AppContext) => TimerHandler;
}

export type FunctionDefinition =
  | HttpFunctionDefinition
  | ServiceBusQueueFunctionDefinition
  | ServiceBusTopicFunctionDefinition
  | TimerFunctionDefinition;

/** The Service Bus connection app setting every trigger uses (DESIGN §3). */
export const SERVICE_BUS_CONNECTION_SETTING = 'SERVICEBUS_CONNECTION';
