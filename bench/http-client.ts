import { createServer, request, type Agent, type Server } from 'node:http';

export const HOST = '127.0.0.1';

export interface PostTarget {
  readonly port: number;
  readonly agent: Agent;
}

/** One POST through a keep-alive agent; resolves with the status once the body has arrived. */
export function post(target: PostTarget, options: { path: string; body: string; headers: Record<string, string> }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: HOST, port: target.port, path: options.path, method: 'POST', agent: target.agent, headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body) } },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => { resolve(res.statusCode ?? 0); });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A bare server that reads the whole body, parses it as JSON and answers 202: the least an ingest endpoint does. */
export async function startBare202Server(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { eventId?: string };
      const body = JSON.stringify({ eventId: parsed.eventId ?? null, status: 'accepted' });
      res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => { resolve(); });
  });
  return server;
}

export function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => { if (error) reject(error); else resolve(); });
    server.closeAllConnections();
  });
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
