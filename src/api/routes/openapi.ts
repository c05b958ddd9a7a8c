import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { repoRoot } from '../../eval/data-dir.js';
import { openApiDocument, type DocumentedRoute, type RouteDoc } from '../openapi.js';
import { z } from '../zod.js';

const doc: RouteDoc = {
  summary: 'this document',
  description: 'OpenAPI 3.1, generated from the schemas that validate the requests and describe the answers.',
  answer: { contentType: 'application/json', schema: z.object({ openapi: z.string() }).passthrough() },
  signed: false,
};

/** GET /openapi.json (unauthenticated): the OpenAPI 3.1 document of every route of this server. */
export function openapiRoute(app: FastifyInstance, routes: DocumentedRoute[]): void {
  let document: string | undefined;
  app.get(
    '/openapi.json',
    { config: { doc } },
    async (req, reply) => {
      // Built on first use: every route is registered by then.
      document ??= JSON.stringify(openApiDocument(routes, packageVersion()));
      req.lc.code = 0;
      return reply.type('application/json').send(document);
    },
  );
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
