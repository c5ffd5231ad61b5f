import { connect, type Socket } from 'node:net';

/**
 * A minimal keep-alive HTTP/1.1 GET client for load workers, in the spirit of wrk: one request in
 * flight per socket, responses framed by Content-Length, nothing else.
 *
 * Why not node:http: its client (agent, parser, IncomingMessage streams) costs more CPU per request
 * than the leaderboard routes it measures, so on these 2-vCPU machines the load worker saturated
 * first and the benchmark measured the client. This one costs a buffer search and a slice.
 */

export interface HttpGetResponse {
  readonly status: number;
  readonly body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/** Parses one response head: the status and the body length. Throws on framing this client does not speak. */
function parseHead(head: string): { status: number; length: number } {
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status)) throw new Error(`not an HTTP/1.1 response: ${head.slice(0, 40)}`);
  let length: number | undefined;
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-length') length = Number(line.slice(colon + 1).trim());
    if (name === 'transfer-encoding') throw new Error('chunked responses are not supported: the routes under test send Content-Length');
  }
  if (length === undefined || !Number.isSafeInteger(length) || length < 0) throw new Error('response without a valid Content-Length');
  return { status, length };
}

/** One keep-alive socket; `get` must not be called again before its promise settles. */
class Connection {
  readonly #socket: Socket;
  readonly #host: string;
  #buffer: Buffer = EMPTY;
  #pending: { resolve: (response: HttpGetResponse) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket, host: string) {
    this.#socket = socket;
    this.#host = host;
    socket.on('data', (chunk: Buffer) => { this.#receive(chunk); });
    socket.on('error', (error) => { this.#fail(error); });
    socket.on('close', () => { this.#fail(new Error('the server closed the connection')); });
  }

  static open(options: { readonly host: string; readonly port: number }): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket, options.host));
      });
    });
  }

  get(path: string): Promise<HttpGetResponse> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#pending !== undefined) return Promise.reject(new Error('a request is already in flight on this connection'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(`GET ${path} HTTP/1.1\r\nHost: ${this.#host}\r\n\r\n`);
    });
  }

  close(): void {
    this.#failure ??= new Error('connection closed');
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headEnd = this.#buffer.indexOf(HEADER_END);
    if (headEnd < 0) return;
    let head: { status: number; length: number };
    try {
      head = parseHead(this.#buffer.subarray(0, headEnd).toString('latin1'));
    } catch (error: unknown) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      this.#socket.destroy();
      return;
    }
    const bodyStart = headEnd + HEADER_END.length;
    if (this.#buffer.length < bodyStart + head.length) return;
    const body = this.#buffer.subarray(bodyStart, bodyStart + head.length);
    this.#buffer = this.#buffer.length === bodyStart + head.length ? EMPTY : this.#buffer.subarray(bodyStart + head.length);
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined) this.#fail(new Error('a response arrived with no request in flight'));
    else pending.resolve({ status: head.status, body });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}

/** `connections` keep-alive sockets; a GET takes an idle one, or waits its turn for one. */
export interface HttpGetPool {
  get(path: string): Promise<HttpGetResponse>;
  close(): void;
}

export async function openHttpGetPool(options: { readonly host: string; readonly port: number; readonly connections: number }): Promise<HttpGetPool> {
  const all = await Promise.all(Array.from({ length: options.connections }, () => Connection.open(options)));
  const idle = [...all];
  const waiting: ((connection: Connection) => void)[] = [];
  const release = (connection: Connection): void => {
    const next = waiting.shift();
    if (next === undefined) idle.push(connection);
    else next(connection);
  };
  const acquire = (): Promise<Connection> => {
    const connection = idle.pop();
    return connection === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(connection);
  };
  return {
    get: async (path) => {
      const connection = await acquire();
      try {
        return await connection.get(path);
      } finally {
        release(connection);
      }
    },
    close: () => { for (const connection of all) connection.close(); },
  };
}
