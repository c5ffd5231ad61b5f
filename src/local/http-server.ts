import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../app/app-context.js';
import { problems } from '../core/errors/errors.js';
import type { HttpFunctionDefinition } from '../functions/definition.js';
import { toProblemResponse } from '../functions/http/problem-response.js';
import { fromClientError, writeProblemToSocket } from './client-errors.js';
import { createInvocationContext } from './invocation.js';
import { fromNodeRequest, readBody, writeResponse } from './http-adapter.js';
import { RouteTable } from './route-table.js';

export interface EmbeddedHttpServer {
  readonly url: string;
  /** The address and port bound (LISTEN_ADDRESS, 127.0.0.1 by default). */
  readonly address: { readonly address: string; readonly port: number };
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes sockets. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Explicit HTTP timeouts (issue #19 item 7), rather than node's defaults (5 min per request,
 * checked every 30 s): a client that trickles its headers or body holds a socket and a parser.
 */
export interface HttpTimeouts {
  /** The request line and headers must arrive within this (408 otherwise). */
  readonly headersMs: number;
  /** The whole request, body included; also bounds how long an oversized body is drained after its 413. */
  readonly requestMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveMs: number;
  /** How often node checks the two above: their precision. */
  readonly checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = Object.freeze({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 });

/** Where the embedded host listens unless told otherwise: this machine only (LISTEN_ADDRESS). */
export const DEFAULT_LISTEN_ADDRESS = '127.0.0.1';

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
  readonly timeouts?: HttpTimeouts;
}): Promise<EmbeddedHttpServer> {
  const { app } = options;
  const timeouts = options.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  if (!(timeouts.headersMs > 0 && timeouts.headersMs <= timeouts.requestMs && timeouts.checkIntervalMs > 0 && timeouts.keepAliveMs > 0)) {
    throw new Error('startHttpServer: timeouts must be positive, with headersMs at most requestMs');
  }
  const routes = new RouteTable(options.definitions);
  const handlers = new Map(options.definitions.map((d) => [d, d.handler(app)] as const));
  const extra = new Map((options.extraRoutes ?? []).map((r) => [r.path, r] as const));
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  // Read through a function: the flag flips during awaits, which TypeScript's narrowing ignores.
  const isStopping = (): boolean => stopping;

  const logger = app.logger.child({ component: 'http' });

  // Sockets with a response under way: a parser error on one of them cannot be answered.
  const responding = new WeakSet<object>();

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL | undefined;
    try {
      url = requestUrl(req);
      if (stopping) throw problems.serviceShuttingDown();
      const extraRoute = req.method === 'GET' ? extra.get(url.pathname) : undefined;
      if (extraRoute) {
        await extraRoute.handle(res);
        return;
      }
      const match = routes.match(req.method ?? 'GET', withConsoleAlias(url.pathname));
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
      await writeResponse(res, toProblemResponse(error, { logger, ...(url === undefined ? {} : { instance: url.pathname }) }));
    }
  };

  const server: Server = createServer(
    { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, keepAliveTimeout: timeouts.keepAliveMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
    (req, res) => {
      responding.add(req.socket);
      const work = serve(req, res).catch((error: unknown) => {
        app.logger.error('request handling failed', { err: error });
        res.destroy();
      });
      inFlight.add(work);
      void work.finally(() => {
        inFlight.delete(work);
        responding.delete(req.socket);
      });
    },
  );
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    // A reset peer cannot read an answer, nor can a socket whose response has begun.
    if (error.code === 'ECONNRESET' || !socket.writable || responding.has(socket)) {
      socket.destroy();
      return;
    }
    logger.debug('malformed request refused', { code: error.code });
    writeProblemToSocket(socket, fromClientError(error));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? DEFAULT_LISTEN_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://localhost:${address.port}`,
    address: { address: address.address, port: address.port },
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

/**
 * The request's URL. The Host header is the client's text: one that makes no URL (a space, a
 * bare `@`) is a 400 (RFC 9112 §3.2), not an exception outside every handler.
 */
function requestUrl(req: IncomingMessage): URL {
  const host = req.headers.host ?? 'localhost';
  const target = req.url ?? '/';
  if (!URL.canParse(target, `http://${host}`)) throw problems.badRequest('The Host header or the request target is not valid');
  return new URL(target, `http://${host}`);
}

/**
 * `/console/…` is the console function's `/api/console/…`: the address a newcomer types after
 * `npm start`. The Functions host serves it under its route prefix only (`/api/console/`).
 */
function withConsoleAlias(pathname: string): string {
  return pathname === '/console' || pathname.startsWith('/console/') ? `/api${pathname}` : pathname;
}
