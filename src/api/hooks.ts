import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { RecordStore } from '../store/records.js';
import type { ApiDeps } from './deps.js';
import { drainBody } from './drain.js';
import { newRequestState } from './request-state.js';

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * Request lifecycle around every route: per-request state, the early Content-Length check,
 * reading what is left of an unread body before answering (bounded), the records row of an
 * authenticated verification request written before its answer leaves (so a crash right after
 * an answer cannot lose it), and, once both the handler has returned and the connection is done
 * with the response, exactly one metrics sample and one log line. Waiting for both matters: a
 * client that hangs up mid-verification must neither lose its record nor have its upload
 * disposed of under a running worker.
 */
export function installLifecycle(app: FastifyInstance, deps: ApiDeps, records: RecordStore, retainedDir: string): (h: Handler) => Handler {
  const limit = deps.config.bodyLimitBytes;
  const drainLimit = limit + deps.config.bodyDrainBytes;

  const record = (req: FastifyRequest, finishedAt: number, aborted: boolean): void => {
    const lc = req.lc;
    if (!req.routeOptions.config.verification || !lc.endpoint || !lc.authenticated) return;
    try {
      records.add({
        requestId: req.id,
        appid: lc.appid,
        endpoint: lc.endpoint,
        receivedAt: lc.receivedAt,
        finishedAt,
        code: lc.code ?? 213,
        liveStatus: lc.liveStatus,
        compareStatus: lc.compareStatus,
        score: lc.score,
        timingsMs: lc.timingsMs,
        checks: lc.checks,
        message: aborted ? `client closed the connection before the answer (${lc.message || 'no answer yet'})` : lc.message,
      });
      lc.recorded = true;
    } catch (err) {
      req.log.error({ err }, 'could not write the verification record');
    }
  };

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
    // Written before the answer as a rule; again here when no answer reached the client.
    if (!lc.recorded || aborted) record(req, finishedAt, aborted);
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
    if (declared > limit) {
      // Too large even to read past: answer at once and close.
      if (declared > drainLimit) req.lc.noDrain = true;
      return done(new ApiError('BODY_TOO_LARGE', `at most ${limit} bytes`));
    }
    done();
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    const send = (): void => {
      if (!req.lc.recorded) record(req, deps.clock(), false);
      done(null, payload);
    };
    if (req.raw.complete) return send();
    const drained = req.lc.noDrain ? Promise.resolve(false) : drainBody(req.raw, drainLimit - req.lc.bodyBytes);
    void drained.then((ended) => {
      if (!ended) reply.header('connection', 'close');
      send();
    });
  });

  const retainedOrNull = deps.config.retention ? retainedDir : null;
  return (handler) => async (req, reply) => {
    req.lc.handlerRunning = true;
    try {
      return await handler(req, reply);
    } finally {
      req.lc.handlerRunning = false;
      for (const file of req.lc.files) {
        await file.dispose(retainedOrNull, req.id).catch((err: unknown) => req.log.error({ err }, 'could not dispose of an upload'));
      }
      if (req.lc.responseClosed) finish(req, reply);
    }
  };
}
