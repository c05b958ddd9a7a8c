import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import type { RouteDoc } from '../openapi.js';
import { z } from '../zod.js';

const doc: RouteDoc = {
  summary: 'Prometheus metrics (docs/operations.md)',
  description: 'Unauthenticated: expose it to your scraper only.',
  answer: { contentType: 'text/plain; version=0.0.4', schema: z.string() },
  signed: false,
};

/** GET /metrics: Prometheus text format (unauthenticated; bind to a private interface or filter at the proxy). */
export function metricsRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/metrics', { config: { doc } }, async (req, reply) => {
    req.lc.code = 0;
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
