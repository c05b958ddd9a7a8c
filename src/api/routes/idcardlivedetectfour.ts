import type { FastifyInstance } from 'fastify';
import { idcardLiveDetectFourData } from '../answer-data.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { lookupIdentity } from '../identity-lookup.js';
import type { RouteDoc } from '../openapi.js';
import { appid, idcardName, idcardNumber, requiredUpload, seq, validateData } from '../params.js';
import { IdcardLiveDetectFourData } from '../responses.js';
import { readVideoRequest, verifyChallengeVideo } from '../video-verification.js';
import { z } from '../zod.js';

const Form = z.object({ appid, validate_data: validateData, idcard_number: idcardNumber, idcard_name: idcardName, seq, video: requiredUpload }).passthrough();

const doc: RouteDoc = {
  summary: 'liveness of a video reading validate_data, compared with the identity registry',
  description:
    'As livedetectfour, compared with the reference enrolled for idcard_number and idcard_name (livecheck identities add). Identity ' +
    'failures (-5801, -5802, -5803, -5804) are top-level codes with HTTP 200, answered before the challenge is spent.',
  body: { multipart: Form },
  answer: { data: IdcardLiveDetectFourData },
  signed: true,
};

/**
 * POST /face/idcardlivedetectfour (multipart): liveness plus comparison with the registry's
 * reference for the ID. Identity failures (-5801/-5803/-5804) are answered at the top level
 * before the challenge is spent or the video decoded (docs/api.md).
 */
export function idcardlivedetectfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/idcardlivedetectfour',
    { config: { endpoint: 'idcardlivedetectfour', verification: true, doc } },
    wrap(async (req, reply) => {
      const f = await readVideoRequest(deps, req, 'idcardlivedetectfour', Form);
      const template = lookupIdentity(deps, req, f.idcard_number, f.idcard_name);

      const a = await verifyChallengeVideo(deps, req, 'idcardlivedetectfour', {
        appid: f.appid,
        digits: f.validate_data,
        videoPath: f.video.path,
        reference: { kind: 'template', template },
      });
      return sendOk(reply, idcardLiveDetectFourData(a, f.seq));
    }),
  );
}
