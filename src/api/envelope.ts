import type { FastifyReply } from 'fastify';
import { ERRORS, type ErrorName } from '../core/errors.js';

/** SPEC envelope. `code` 0 / "OK" whenever the request was processed. */
export interface Envelope<D = Record<string, unknown>> {
  code: number;
  message: string;
  data: D;
}

export function sendOk<D extends object>(reply: FastifyReply, data: D): FastifyReply {
  reply.request.lc.code = 0;
  return reply.code(200).send({ code: 0, message: 'OK', data });
}

/** A request-level failure (or a top-level face/identity failure: those carry HTTP 200). */
export function sendError(reply: FastifyReply, name: ErrorName, message: string, data: Record<string, unknown>, http?: number): FastifyReply {
  const def = ERRORS[name];
  const lc = reply.request.lc;
  // Once a stalled upload was answered on the socket, the route's own failure is not the answer.
  if (!lc.closedWith) {
    lc.code = def.code;
    lc.message = message;
  }
  if (def.http === 413) reply.header('connection', 'close');
  return reply.code(http ?? def.http).send({ code: def.code, message, data });
}
