import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_STATUS, problem } from '../lambdas/api/http.js';

/** Node's own answers to the other requests it cannot parse, as its default handler gives them. */
const NODE_ANSWERS: Record<string, string> = {
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * The local API's answer to a request Node refuses before any handler runs
 * ('clientError'). A URL and headers past Node's limit (16 KB: a query
 * string of 100 KB) get the API's problem document, 431 HEADERS_TOO_LARGE,
 * where Node would write a bare 431 with no body; anything else gets Node's
 * own answer. There is no response object here: the answer is written to the
 * socket as raw HTTP, and the connection closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (error.code !== 'HPE_HEADER_OVERFLOW') {
    socket.end(`HTTP/1.1 ${NODE_ANSWERS[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    return;
  }
  const { status, title } = HTTP_STATUS.HEADERS_TOO_LARGE as { status: number; title: string };
  const answer = problem(
    status,
    title,
    `The request's URL and headers are larger than the ${maxHeaderSize / 1024} KB this server reads; no parameter of this API needs that much.`,
    { code: 'HEADERS_TOO_LARGE' },
  );
  const body = Buffer.from(answer.body);
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} Request Header Fields Too Large\r\nContent-Type: ${answer.headers?.['content-type']}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}
