import { OpenApiGeneratorV31, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodTypeAny } from 'zod';
import { envelope, ErrorEnvelope } from './responses.js';

/** What a route says about itself for the OpenAPI document (route option `config.doc`). */
export interface RouteDoc {
  summary: string;
  description: string;
  /** The schemas that validate the request body, by content type. */
  body?: { json?: ZodTypeAny; multipart?: ZodTypeAny };
  /** `data` of a successful answer, in the SPEC envelope; or a body of its own content type. */
  answer: { data: ZodTypeAny } | { contentType: string; schema: ZodTypeAny };
  /** Needs the Authorization header (SPEC Signature). */
  signed: boolean;
  /** Needs a capture session's token as `Authorization: Bearer <token>` (the hosted page's calls). */
  sessionToken?: boolean;
}

export interface DocumentedRoute {
  method: string;
  url: string;
  doc: RouteDoc | undefined;
}

const SIGNATURE = 'signature';
const SESSION_TOKEN = 'sessionToken';

/**
 * The OpenAPI 3.1 document of every route registered on the server, generated from the zod
 * schemas that validate its requests and describe its answers. A route without a doc is
 * listed with a note, so a missing description shows rather than hides the route.
 */
export function openApiDocument(routes: DocumentedRoute[], version: string): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SIGNATURE, {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'Base64(HMAC-SHA1(SecretKey, plaintext) || plaintext), plaintext a=<appid>&b=<bucket>&k=<SecretId>&e=<expiry>&t=<now>&r=<rand>&f=<fileid> (docs/api.md, Signatures)',
  });
  registry.registerComponent('securitySchemes', SESSION_TOKEN, {
    type: 'http',
    scheme: 'bearer',
    description: 'the token of a capture session (POST /capture/sessions), as the hosted page sends it (docs/api.md, Capture sessions)',
  });
  const failure = { description: 'a request-level failure (or a top-level face / identity code): see docs/api.md', content: { 'application/json': { schema: ErrorEnvelope } } };
  for (const r of routes) {
    const method = r.method.toLowerCase() as RouteConfig['method'];
    const doc = r.doc;
    if (!doc) {
      registry.registerPath({ method, path: r.url, summary: 'undocumented', responses: { default: failure } });
      continue;
    }
    const content: Record<string, { schema: ZodTypeAny }> = {};
    if (doc.body?.json) content['application/json'] = { schema: doc.body.json };
    if (doc.body?.multipart) content['multipart/form-data'] = { schema: doc.body.multipart };
    const ok =
      'data' in doc.answer
        ? { 'application/json': { schema: envelope(doc.answer.data) } }
        : { [doc.answer.contentType]: { schema: doc.answer.schema } };
    registry.registerPath({
      method,
      path: r.url,
      summary: doc.summary,
      description: doc.description,
      security: doc.signed ? [{ [SIGNATURE]: [] }] : doc.sessionToken ? [{ [SESSION_TOKEN]: [] }] : [],
      ...(Object.keys(content).length > 0 ? { request: { body: { required: true, content } } } : {}),
      responses: { 200: { description: 'processed (code 0)', content: ok }, default: failure },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'livecheck',
      version,
      description: "Tencent Cloud's legacy face-verification API (recognition.image.myqcloud.com /face/...) as livecheck answers it; docs/api.md says how.",
    },
  });
}
