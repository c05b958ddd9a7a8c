import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** GET /metrics: Prometheus text format (unauthenticated; bind to a private interface or filter at the proxy). */
export function metricsRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/metrics', async (req, reply) => {
    req.lc.code = 0;
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
