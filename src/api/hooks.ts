import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { RecordStore } from '../store/records.js';
import type { ApiDeps } from './deps.js';
import { newRequestState } from './request-state.js';

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * Request lifecycle around every route: per-request state, the early Content-Length check,
 * and, once both the handler has returned and the connection is done with the response,
 * exactly one metrics sample, one log line and (verification endpoints) one records row.
 * Waiting for both matters: a client that hangs up mid-verification must neither lose its
 * record nor have its upload deleted under a running worker.
 */
export function installLifecycle(app: FastifyInstance, deps: ApiDeps, records: RecordStore, retainedDir: string): (h: Handler) => Handler {
  const limit = deps.config.bodyLimitBytes;

  const finish = (req: FastifyRequest, reply: FastifyReply): void => {
    const lc = req.lc;
    if (lc.finished) return;
    lc.finished = true;
    const finishedAt = deps.clock();
    // Unmatched URLs share one label so a scanner cannot blow up the metric's cardinality.
    const endpoint = lc.endpoint ?? (req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched'));
    const aborted = lc.clientGone;
    const code = lc.code ?? 213;
    const ms = finishedAt - lc.receivedAt;
    deps.metrics.request(endpoint, code, ms / 1000);
    const line = { endpoint, appid: lc.appid, code, status: reply.statusCode, ms, aborted };
    // Successful livegetfour / health / metrics calls are the bulk and say little: debug level
    // (formatting a line costs ~20% of a livegetfour). Verifications and failures stay at info.
    if (code === 0 && !req.routeOptions.config.verification) req.log.debug(line, 'request done');
    else req.log.info(line, 'request done');
    if (!req.routeOptions.config.verification || !lc.endpoint) return;
    try {
      records.add({
        requestId: req.id,
        appid: lc.appid,
        endpoint: lc.endpoint,
        receivedAt: lc.receivedAt,
        finishedAt,
        code,
        liveStatus: lc.liveStatus,
        compareStatus: lc.compareStatus,
        score: lc.score,
        timingsMs: lc.timingsMs,
        checks: lc.checks,
        message: aborted ? `client closed the connection before the answer (${lc.message || 'no answer yet'})` : lc.message,
      });
    } catch (err) {
      req.log.error({ err }, 'could not write the verification record');
    }
  };

  app.addHook('onRequest', (req, reply, done) => {
    req.lc = newRequestState(deps.clock(), req.routeOptions.config.endpoint ?? null);
    reply.header('x-request-id', req.id);
    reply.raw.once('close', () => {
      req.lc.responseClosed = true;
      // 'close' before the answer was fully written: the client hung up (or the socket died).
      req.lc.clientGone = !reply.raw.writableFinished;
      if (!req.lc.handlerRunning) finish(req, reply);
    });
    const declared = Number(req.headers['content-length']);
    // Refused before a byte of the body is read; streamed bodies are counted in multipart.ts.
    if (declared > limit) return done(new ApiError('BODY_TOO_LARGE', `at most ${limit} bytes`));
    done();
  });

  const retainedOrNull = deps.config.retention ? retainedDir : null;
  return (handler) => async (req, reply) => {
    req.lc.handlerRunning = true;
    try {
      return await handler(req, reply);
    } finally {
      req.lc.handlerRunning = false;
      if (req.lc.files.length) await disposeFiles(req.lc.files, retainedOrNull, req);
      if (req.lc.responseClosed) finish(req, reply);
    }
  };
}

async function disposeFiles(files: string[], retainedDir: string | null, req: FastifyRequest): Promise<void> {
  for (const f of files) {
    try {
      if (retainedDir) await rename(f, join(retainedDir, basename(f)));
      else await rm(f, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') req.log.error({ err, file: basename(f) }, 'could not dispose of an upload');
    }
  }
}
