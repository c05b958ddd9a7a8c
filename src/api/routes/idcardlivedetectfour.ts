import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idcardLiveDetectFourData } from '../answer-data.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { lookupIdentity } from '../identity-lookup.js';
import { appid, idcardName, idcardNumber, seq, validateData } from '../params.js';
import { readVideoRequest, verifyChallengeVideo } from '../video-verification.js';

const Fields = z
  .object({ appid, validate_data: validateData, idcard_number: idcardNumber, idcard_name: idcardName, seq })
  .passthrough();

/**
 * POST /face/idcardlivedetectfour (multipart): liveness plus comparison with the registry's
 * reference for the ID. Identity failures (-5801/-5803/-5804) are answered at the top level
 * before the challenge is spent or the video decoded (docs/api.md).
 */
export function idcardlivedetectfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/idcardlivedetectfour',
    { config: { endpoint: 'idcardlivedetectfour', verification: true } },
    wrap(async (req, reply) => {
      const { fields: f, video } = await readVideoRequest(deps, req, 'idcardlivedetectfour', Fields, ['video']);
      const template = lookupIdentity(deps, req, f.idcard_number, f.idcard_name);

      const a = await verifyChallengeVideo(deps, req, 'idcardlivedetectfour', {
        appid: f.appid,
        digits: f.validate_data,
        videoPath: video.path,
        reference: { kind: 'template', template },
      });
      return sendOk(reply, idcardLiveDetectFourData(a, f.seq));
    }),
  );
}
