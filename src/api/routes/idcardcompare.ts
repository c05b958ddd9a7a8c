import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { lookupIdentity } from '../identity-lookup.js';
import { readImageRequest, resolveImage } from '../image-input.js';
import { appid, idcardName, idcardNumber, sessionId, url } from '../params.js';
import { runInference } from '../run-inference.js';

const Fields = z
  .object({ appid, idcard_number: idcardNumber, idcard_name: idcardName, url: url.optional(), session_id: sessionId })
  .passthrough();

/**
 * POST /face/idcardcompare: a photo against the registry's reference for an ID. As in the
 * legacy API every failure (identity -58xx, image -5805, face -40xx) is the top-level code,
 * with session_id still echoed in data.
 */
export function idcardcompareRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/idcardcompare',
    { config: { endpoint: 'idcardcompare', verification: true } },
    wrap(async (req, reply) => {
      const { fields: f, image } = await readImageRequest(deps, req, 'idcardcompare', Fields);
      req.lc.sessionId = f.session_id ?? '';
      const template = lookupIdentity(deps, req, f.idcard_number, f.idcard_name);
      const photo = await resolveImage(deps, req, f.url, image);
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
