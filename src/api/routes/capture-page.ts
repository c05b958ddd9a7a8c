import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Asset } from '../../capture/assets.js';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import type { RouteDoc } from '../openapi.js';
import { z } from '../zod.js';

/**
 * The page loads nothing but its own script and stylesheet and talks only to livecheck; no
 * inline script or style is allowed, and it may not be framed. The camera preview is a
 * MediaStream (srcObject), which needs no media-src entry; data: images only for the empty
 * favicon that keeps browsers from asking for /favicon.ico.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join('; ');

const file = (summary: string, contentType: string): RouteDoc => ({
  summary,
  description: 'Part of the hosted capture page (docs/capture.md); no credentials: the page reads its session token from the URL fragment.',
  answer: { contentType, schema: z.string() },
  signed: false,
});

const DOCS: Record<string, RouteDoc> = {
  '': { ...file('redirect to /capture/', 'text/html'), description: 'A 301 to /capture/.' },
  'index.html': file('the hosted capture page', 'text/html'),
  'capture.js': file('the page script and the <livecheck-capture> element for embedding', 'text/javascript'),
  'capture.css': file("the page's stylesheet", 'text/css'),
};

/** GET /capture/ (the hosted page), /capture/capture.js (page and <livecheck-capture> element), /capture/capture.css. */
export function capturePageRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const config = (name: string) => ({ endpoint: 'capture_page' as const, doc: DOCS[name] });
  app.get('/capture', { config: config('') }, async (req, reply) => {
    req.lc.code = 0;
    return reply.redirect('/capture/', 301);
  });
  app.get('/capture/', { config: config('index.html') }, async (req, reply) => {
    reply.header('content-security-policy', PAGE_CSP);
    reply.header('permissions-policy', 'camera=(self), microphone=(self), geolocation=()');
    reply.header('x-frame-options', 'DENY');
    return serve(deps, req, reply, 'index.html');
  });
  for (const name of ['capture.js', 'capture.css']) {
    app.get(`/capture/${name}`, { config: config(name) }, async (req, reply) => {
      // Module scripts load in CORS mode: an app's page embedding the element needs this.
      reply.header('access-control-allow-origin', '*');
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return serve(deps, req, reply, name);
    });
  }
}

function serve(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply, name: string): FastifyReply {
  const asset: Asset | undefined = deps.captureAssets?.get(name);
  if (!asset) throw new ApiError('INTERNAL', `the capture page is not built (run npm run build): ${name} missing`);
  req.lc.code = 0;
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-cache');
  reply.header('etag', asset.etag);
  reply.header('vary', 'accept-encoding');
  reply.type(asset.type);
  if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    reply.header('content-encoding', 'gzip');
    return reply.send(asset.gzip);
  }
  return reply.send(asset.body);
}
