import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../app/app-context.js';
import { problems } from '../core/errors/errors.js';
import type { HttpFunctionDefinition } from '../functions/definition.js';
import { toProblemResponse } from '../functions/http/problem-response.js';
import { createInvocationContext } from './invocation.js';
import { fromNodeRequest, readBody, writeResponse } from './http-adapter.js';
import { RouteTable } from './route-table.js';

export interface EmbeddedHttpServer {
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes sockets. */
  stop(graceMs: number): Promise<void>;
}

export interface ExtraRoute {
  readonly path: string;
  readonly handle: (res: ServerResponse) => Promise<void>;
}

/**
 * Serves the HTTP functions like the Functions host does at `/api/...`. Each request gets an
 * InvocationContext with a fresh invocation id and a log handler writing to the app logger.
 */
export async function startHttpServer(options: {
  readonly app: AppContext;
  readonly definitions: readonly HttpFunctionDefinition[];
  readonly port: number;
  readonly host?: string;
  /** Non-function routes served by the host itself (e.g. `/metrics`). */
  readonly extraRoutes?: readonly ExtraRoute[];
}): Promise<EmbeddedHttpServer> {
  const { app } = options;
  const routes = new RouteTable(options.definitions);
  const handlers = new Map(options.definitions.map((d) => [d, d.handler(app)] as const));
  const extra = new Map((options.extraRoutes ?? []).map((r) => [r.path, r] as const));
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  // Read through a function: the flag flips during awaits, which TypeScript's narrowing ignores.
  const isStopping = (): boolean => stopping;

  const logger = app.logger.child({ component: 'http' });

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    try {
      if (stopping) throw problems.serviceShuttingDown();
      const extraRoute = req.method === 'GET' ? extra.get(url.pathname) : undefined;
      if (extraRoute) {
        await extraRoute.handle(res);
        return;
      }
      const match = routes.match(req.method ?? 'GET', url.pathname);
      if (match.kind === 'not-found') throw problems.notFound(`No route ${url.pathname}`);
      if (match.kind === 'method-not-allowed') throw problems.methodNotAllowed(match.allowed);
      const body = await readBody(req, app.settings.limits.maxBodyBytes);
      const handler = handlers.get(match.definition);
      if (!handler) throw new Error(`no handler for ${match.definition.name}`);
      const context = createInvocationContext({ functionName: match.definition.name, triggerType: 'httpTrigger', logger: app.logger });
      const result = await handler(fromNodeRequest({ req, url, body, params: match.params }), context);
      if (isStopping()) res.setHeader('Connection', 'close');
      await writeResponse(res, result);
    } catch (error: unknown) {
      if (res.headersSent) {
        logger.error('response failed after headers were sent', { err: error });
        res.destroy();
        return;
      }
      await writeResponse(res, toProblemResponse(error, { logger, instance: url.pathname }));
    }
  };

  const server: Server = createServer((req, res) => {
    const work = serve(req, res).catch((error: unknown) => {
      app.logger.error('request handling failed', { err: error });
      res.destroy();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://localhost:${address.port}`,
    stop: async (graceMs) => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
      server.closeIdleConnections();
      const drained = Promise.all([...inFlight]).then(() => 'drained' as const);
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => { resolve('timeout'); }, graceMs).unref());
      if ((await Promise.race([drained, timeout])) === 'timeout') {
        app.logger.warn('shutdown grace period over; closing open connections', { inFlight: inFlight.size });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
