import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openHttpGetPool } from '../../../bench/load/http-get.js';

/** The load client of the leaderboard benchmarks: if it misreads responses, the benchmark measures nothing. */

const servers: (Server | NetServer)[] = [];

async function listen(server: Server | NetServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => {
    if ('closeAllConnections' in s) s.closeAllConnections();
    s.close(() => { resolve(); });
  })));
});

describe('openHttpGetPool', () => {
  it('reads status and body over keep-alive sockets, more calls than connections waiting their turn', async () => {
    const sockets = new Set<unknown>();
    const port = await listen(createServer((req, res) => {
      sockets.add(req.socket);
      // Written in two pieces, so a response arrives split across reads.
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(`{"path":"${req.url ?? ''}"}`)) });
      res.write('{"path":');
      setImmediate(() => res.end(`"${req.url ?? ''}"}`));
    }));
    const pool = await openHttpGetPool({ host: '127.0.0.1', port, connections: 2 });
    const responses = await Promise.all(['/a', '/b', '/c', '/d', '/missing'].map((path) => pool.get(path)));
    pool.close();
    expect(responses.map((r) => [r.status, r.body.toString('utf8')])).toEqual([
      [200, '{"path":"/a"}'],
      [200, '{"path":"/b"}'],
      [200, '{"path":"/c"}'],
      [200, '{"path":"/d"}'],
      [404, '{"path":"/missing"}'],
    ]);
    expect(sockets.size).toBe(2);
  });

  it('rejects a chunked response, which it cannot frame, instead of hanging', async () => {
    const port = await listen(createServer((_req, res) => {
      res.write('no length');
      res.end();
    }));
    const pool = await openHttpGetPool({ host: '127.0.0.1', port, connections: 1 });
    await expect(pool.get('/')).rejects.toThrow(/chunked/);
    pool.close();
  });

  it('rejects the call in flight when the server closes the connection', async () => {
    const port = await listen(createNetServer((socket) => {
      socket.once('data', () => socket.destroy());
    }));
    const pool = await openHttpGetPool({ host: '127.0.0.1', port, connections: 1 });
    await expect(pool.get('/')).rejects.toThrow(/closed/);
    // The connection stays failed: later calls fail at once rather than write to a dead socket.
    await expect(pool.get('/')).rejects.toThrow(/closed/);
    pool.close();
  });
});
