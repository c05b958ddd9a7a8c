import type { FastifyInstance } from 'fastify';
import { InferenceBusyError, type Inference } from '../../core/inference.js';
import type { ApiDeps } from '../deps.js';
import type { RouteDoc } from '../openapi.js';
import { HealthData } from '../responses.js';

export type WorkerState = 'ok' | 'busy' | 'slow' | 'down';

const PROBE_TIMEOUT_MS = 2000;
/** /healthz is unauthenticated: at most one probe per this interval reaches the workers. */
const PROBE_EVERY_MS = 5000;

/**
 * Are the inference workers answering? A zero-byte photo is the cheapest real task: a live
 * worker refuses it as undecodable at once. Full queue = 'busy', no answer within 2 s (models
 * still loading, long jobs ahead) = 'slow'; only a rejected task means the pool is 'down'.
 */
export function workerProbe(inference: Inference): () => Promise<WorkerState> {
  let last: { at: number; state: Promise<WorkerState> } | null = null;
  const probe = async (): Promise<WorkerState> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<WorkerState>((resolve) => {
      timer = setTimeout(() => resolve('slow'), PROBE_TIMEOUT_MS);
    });
    const answer = inference.embedPhoto(new Uint8Array(0), 'photo').then(
      (): WorkerState => 'ok',
      (err: unknown): WorkerState => (err instanceof InferenceBusyError ? 'busy' : 'down'),
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    const now = performance.now();
    if (!last || now - last.at >= PROBE_EVERY_MS) last = { at: now, state: probe() };
    return last.state;
  };
}

const doc: RouteDoc = {
  summary: 'the database answers and the inference workers are up (for load balancers)',
  description: 'HTTP 503 with code 213 when the database does not answer or the workers are down.',
  answer: { data: HealthData },
  signed: false,
};

/** GET /healthz (unauthenticated): the database answers and the inference workers are up. */
export function healthRoute(app: FastifyInstance, deps: ApiDeps): void {
  const workers = workerProbe(deps.inference);
  app.get('/healthz', { config: { doc } }, async (req, reply) => {
    let db = true;
    try {
      deps.db.prepare('SELECT 1').get();
    } catch (err) {
      req.log.error({ err }, 'health check: database unreachable');
      db = false;
    }
    const w = await workers();
    const ok = db && w !== 'down';
    req.lc.code = ok ? 0 : 213;
    return reply.code(ok ? 200 : 503).send({
      code: ok ? 0 : 213,
      message: ok ? 'OK' : 'unhealthy',
      data: { db: db ? 'ok' : 'unreachable', workers: w },
    });
  });
}
