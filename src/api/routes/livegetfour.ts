import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { authenticateRequest } from '../authenticate-request.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import type { RouteDoc } from '../openapi.js';
import { appid, seq } from '../params.js';
import { LiveGetFourData } from '../responses.js';
import { z } from '../zod.js';

// .passthrough(): SDKs also send `bucket`, which is accepted and ignored (SPEC).
const Body = z.object({ appid, seq }).passthrough();

const doc: RouteDoc = {
  summary: 'issues the 4 digits the user reads aloud in the video',
  description:
    'validate_data: 4 digits from a CSPRNG, bound to the appid, single use, valid challengeTtlSec. A value live or used within ' +
    'challengeRetentionSec is not issued again to the same app; when none is free the answer is code 15 (HTTP 429).',
  body: { json: Body },
  answer: { data: LiveGetFourData },
  signed: true,
};

/** POST /face/livegetfour: issues the 4-digit lip-reading challenge. */
export function livegetfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/livegetfour',
    { config: { endpoint: 'livegetfour', doc } },
    wrap(async (req, reply) => {
      const body = Body.parse(req.body ?? {});
      authenticateRequest(deps, req, 'livegetfour', body.appid);
      const digits = await deps.challenges.issue(body.appid, deps.clock());
      if (digits === null) throw new ApiError('CHALLENGES_EXHAUSTED');
      return sendOk(reply, body.seq === undefined ? { validate_data: digits } : { validate_data: digits, seq: body.seq });
    }),
  );
}
