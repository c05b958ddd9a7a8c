import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** Liveness of the inference side, when the implementation can tell (the worker pool can). */
export interface InferenceHealth {
  health(): { ok: boolean; detail?: Record<string, unknown> };
}

function hasHealth(x: unknown): x is InferenceHealth {
  return typeof (x as Partial<InferenceHealth>).health === 'function';
}

/** GET /healthz (unauthenticated): the database answers and the inference workers are up. */
export function healthRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async (req, reply) => {
    let db = true;
    try {
      deps.db.prepare('SELECT 1').get();
    } catch (err) {
      req.log.error({ err }, 'health check: database unreachable');
      db = false;
    }
    const workers = hasHealth(deps.inference) ? deps.inference.health() : { ok: true };
    const ok = db && workers.ok;
    req.lc.code = ok ? 0 : 213;
    return reply.code(ok ? 200 : 503).send({
      code: ok ? 0 : 213,
      message: ok ? 'OK' : 'unhealthy',
      data: { db: db ? 'ok' : 'unreachable', workers: workers.ok ? 'ok' : 'down', ...(workers.detail ? { workers_detail: workers.detail } : {}) },
    });
  });
}
