import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../core/errors.js';
import { authenticateRequest } from '../authenticate-request.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { appid, seq } from '../params.js';

// .passthrough(): SDKs also send `bucket`, which is accepted and ignored (SPEC).
const Body = z.object({ appid, seq }).passthrough();

/** POST /face/livegetfour: issues the 4-digit lip-reading challenge. */
export function livegetfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/livegetfour',
    { config: { endpoint: 'livegetfour' } },
    wrap(async (req, reply) => {
      const body = Body.parse(req.body ?? {});
      authenticateRequest(deps, req, 'livegetfour', body.appid);
      const digits = await deps.challenges.issue(body.appid, deps.clock());
      if (digits === null) throw new ApiError('CHALLENGES_EXHAUSTED');
      return sendOk(reply, body.seq === undefined ? { validate_data: digits } : { validate_data: digits, seq: body.seq });
    }),
  );
}
