import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ERRORS, type ErrorName } from '../core/errors.js';

/**
 * Writes a SPEC envelope straight to the socket and closes it: for answers that cannot wait
 * for the route (the request is not complete and never will be). `requestId` when the request
 * has one (Node's own parser errors come before there is a request).
 */
export function answerOnSocketAndClose(socket: Socket, name: ErrorName, message: string, opts: { status?: number; requestId?: string } = {}): void {
  if (socket.destroyed) return;
  const status = opts.status ?? ERRORS[name].http;
  const body = JSON.stringify({ code: ERRORS[name].code, message, data: opts.requestId ? { request_id: opts.requestId } : {} });
  const idHeader = opts.requestId ? `x-request-id: ${opts.requestId}\r\n` : '';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n${idHeader}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * HTTP that Node's parser rejects before Fastify sees a request (bad request line, headers too
 * large) and Node's own header and request timeouts still get the SPEC envelope, code 3, then
 * the socket is closed.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: err.message }, 'client error');
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return answerOnSocketAndClose(socket, 'REQUEST_TIMEOUT', 'the request did not arrive in time');
  if (err.code === 'HPE_HEADER_OVERFLOW') return answerOnSocketAndClose(socket, 'BAD_REQUEST', 'request headers are too large', { status: 431 });
  answerOnSocketAndClose(socket, 'BAD_REQUEST', 'malformed HTTP request');
}
