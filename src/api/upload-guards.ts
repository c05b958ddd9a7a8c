import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { ApiError } from '../core/errors.js';
import { answerOnSocketAndClose } from './client-error.js';

/**
 * Clients that send slowly or hold many uploads open. Node's header and request timeouts
 * (server options, answered by clientErrorHandler) bound the whole exchange; here:
 * - a body that stops arriving for bodyIdleTimeoutMs is answered 3 (HTTP 408) and closed;
 * - at most maxUploadsPerAddress bodies arrive at once from one client address (req.ip, so
 *   behind a proxy set trustProxy); more are answered 15 (HTTP 429) at once, without reading
 *   them, and closed.
 * Runs after the lifecycle's onRequest hook, which sets up req.lc.
 */
export function installUploadGuards(app: FastifyInstance, config: Config): void {
  const arriving = new Map<string, number>();
  const idleSec = config.bodyIdleTimeoutMs / 1000;

  app.addHook('onRequest', (req, reply, done) => {
    if (req.raw.complete) return done();
    const socket = req.raw.socket;
    const onIdle = (): void => {
      req.lc.closedWith = `no body data for ${idleSec} s`;
      req.lc.code = 3;
      req.lc.message = req.lc.closedWith;
      answerOnSocketAndClose(socket, 'REQUEST_TIMEOUT', `request timed out: ${req.lc.closedWith}`, { requestId: req.id });
    };
    socket.setTimeout(config.bodyIdleTimeoutMs);
    // An incomplete request gets the socket's timeout event; with a listener Node leaves the socket to us.
    req.raw.once('timeout', onIdle);

    const key = req.ip;
    const bounded = config.maxUploadsPerAddress > 0;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      req.raw.off('timeout', onIdle);
      if (!socket.destroyed) socket.setTimeout(0);
      if (!bounded) return;
      const left = (arriving.get(key) ?? 1) - 1;
      if (left > 0) arriving.set(key, left);
      else arriving.delete(key);
    };
    req.raw.once('end', release);
    reply.raw.once('close', release);
    if (!bounded) return done();
    const now = (arriving.get(key) ?? 0) + 1;
    arriving.set(key, now);
    if (now > config.maxUploadsPerAddress) {
      req.lc.noDrain = true;
      return done(new ApiError('TOO_MANY_UPLOADS', `at most ${config.maxUploadsPerAddress} at once`));
    }
    done();
  });
}
