import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { readImageRequest, resolveImage } from '../image-input.js';
import type { RouteDoc } from '../openapi.js';
import { appid, base64Text, sessionId, upload, url } from '../params.js';
import { LiveDetectPictureData } from '../responses.js';
import { runInference } from '../run-inference.js';
import { z } from '../zod.js';

const Json = z.object({ appid, url: url.optional(), image: base64Text.optional(), session_id: sessionId }).passthrough();
const Form = Json.extend({ image: upload.optional() });

/** SPEC: session_id is echoed, or this placeholder when the caller sent none. */
export const NO_SESSION_ID = 'not_set_session_id';

const doc: RouteDoc = {
  summary: 'liveness score of one photo',
  description:
    'JSON with `url`, or multipart with `image` (a file part, the bytes in a plain part, or base64 text). Failures are the top-level ' +
    'code with HTTP 200: -5805 (no image, failed download), -4011 (not an image), -4012 (no face), -5011 otherwise.',
  body: { json: Json, multipart: Form },
  answer: { data: LiveDetectPictureData },
  signed: true,
};

/**
 * POST /face/livedetectpicture: single-photo liveness score. Failures (image -5805, photo
 * -4011/-4012) are the top-level code, like idcardcompare.
 */
export function livedetectpictureRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/livedetectpicture',
    { config: { endpoint: 'livedetectpicture', verification: true, doc } },
    wrap(async (req, reply) => {
      const f = await readImageRequest(deps, req, 'livedetectpicture', { json: Json, multipart: Form });
      const session = f.session_id || NO_SESSION_ID;
      req.lc.sessionId = session;
      const photo = await resolveImage(deps, req, f.url, f.image);
      const result = await runInference(deps.metrics, () => deps.inference.pictureLiveness(photo));
      deps.metrics.verification('livedetectpicture', 'live', result.ok ? 'OK' : (result.error ?? 'LIVENESS_FAILED'), []);
      if (!result.ok || result.score === undefined) throw new ApiError(result.error ?? 'LIVENESS_FAILED');
      const score = Math.round(result.score);
      req.lc.liveStatus = 0;
      req.lc.score = score;
      req.lc.message = 'OK';
      return sendOk(reply, { score, session_id: session, details: { request_id: req.id, ...(result.details ?? {}) } });
    }),
  );
}
