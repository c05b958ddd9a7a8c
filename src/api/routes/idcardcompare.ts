import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { lookupIdentity } from '../identity-lookup.js';
import { readImageRequest, resolveImage } from '../image-input.js';
import type { RouteDoc } from '../openapi.js';
import { appid, base64Text, idcardName, idcardNumber, sessionId, upload, url } from '../params.js';
import { IdcardCompareData } from '../responses.js';
import { runInference } from '../run-inference.js';
import { z } from '../zod.js';

const Json = z.object({ appid, idcard_number: idcardNumber, idcard_name: idcardName, url: url.optional(), image: base64Text.optional(), session_id: sessionId }).passthrough();
const Form = Json.extend({ image: upload.optional() });

const doc: RouteDoc = {
  summary: 'a photo compared with the identity registry',
  description:
    'JSON with `url`, or multipart with `image` (a file part, the bytes in a plain part, or base64 text); url wins when both are sent. ' +
    'Every failure is the top-level code with HTTP 200 and session_id echoed: identity -5801 / -5802 / -5803 / -5804, no image or a ' +
    'failed download -5805, photo -4009 / -4011 / -4012, similarity -4010.',
  body: { json: Json, multipart: Form },
  answer: { data: IdcardCompareData },
  signed: true,
};

/**
 * POST /face/idcardcompare: a photo against the registry's reference for an ID. As in the
 * legacy API every failure (identity -58xx, image -5805, face -40xx) is the top-level code,
 * with session_id still echoed in data.
 */
export function idcardcompareRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/idcardcompare',
    { config: { endpoint: 'idcardcompare', verification: true, doc } },
    wrap(async (req, reply) => {
      const f = await readImageRequest(deps, req, 'idcardcompare', { json: Json, multipart: Form });
      req.lc.sessionId = f.session_id ?? '';
      const template = await lookupIdentity(deps, req, f.idcard_number, f.idcard_name);
      const photo = await resolveImage(deps, req, f.url, f.image);
      const result = await runInference(deps.metrics, () => deps.inference.comparePhoto(photo, template));
      deps.metrics.verification('idcardcompare', 'compare', result.ok ? 'OK' : (result.error ?? 'SIMILARITY_FAILED'), []);
      if (!result.ok || result.similarity === undefined) throw new ApiError(result.error ?? 'SIMILARITY_FAILED');
      const similarity = Math.round(result.similarity * 100) / 100;
      req.lc.compareStatus = 0;
      req.lc.score = similarity;
      req.lc.message = 'OK';
      return sendOk(reply, { similarity, session_id: f.session_id ?? '', details: { request_id: req.id } });
    }),
  );
}
