import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProblemDetails } from '../core/errors/errors.js';
import { problemBody } from '../functions/http/problem-response.js';

/**
 * What node:http's parser refused before any handler ran (its `clientError` event), as a problem
 * document (issue #19 item 7): node's own answer is a bare `400` with no body, and a header
 * timeout used to be a silent close. RFC 9457 everywhere, including here.
 */
export function fromClientError(error: Error & { readonly code?: string }): ProblemDetails {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { type: 'header-fields-too-large', title: 'Request Header Fields Too Large', status: 431, detail: 'The request line and headers exceed the server limit (16 KiB)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { type: 'request-timeout', title: 'Request Timeout', status: 408, detail: 'The request was not received in time; send it again' };
    default:
      return { type: 'bad-request', title: 'Bad Request', status: 400, detail: 'The request is not valid HTTP/1.1' };
  }
}

/**
 * Writes `problem` straight to a socket the parser gave up on, then closes it: after a parse
 * error the connection's framing is lost, so it cannot carry another request.
 */
export function writeProblemToSocket(socket: Duplex, problem: ProblemDetails): void {
  const body = JSON.stringify(problemBody(problem));
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? problem.title}`,
    'Content-Type: application/problem+json',
    'Cache-Control: no-store',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
}
