import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { liveDetectFourData } from '../answer-data.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import type { RouteDoc } from '../openapi.js';
import { appid, compareFlag, requiredUpload, seq, upload, validateData } from '../params.js';
import { LiveDetectFourData } from '../responses.js';
import { readVideoRequest, verifyChallengeVideo } from '../video-verification.js';
import { z } from '../zod.js';

const Form = z.object({ appid, validate_data: validateData, compare_flag: compareFlag, seq, video: requiredUpload, card: upload.optional() }).passthrough();

const doc: RouteDoc = {
  summary: 'liveness of a video reading validate_data, optionally compared with a photo',
  description:
    'The video of the user reading the digits from livegetfour; with compare_flag "true" the `card` photo is compared with the video ' +
    '(only after liveness passed: otherwise compare_status repeats the liveness failure). A failed check is code 0 with live_status / ' +
    'compare_status set; request-level failures are listed in docs/api.md.',
  body: { multipart: Form },
  answer: { data: LiveDetectFourData },
  signed: true,
};

/** POST /face/livedetectfour (multipart): lip-reading liveness, optionally compared with `card`. */
export function livedetectfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/livedetectfour',
    { config: { endpoint: 'livedetectfour', verification: true, doc } },
    wrap(async (req, reply) => {
      const f = await readVideoRequest(deps, req, 'livedetectfour', Form);
      const wantCompare = f.compare_flag === 'true';
      if (wantCompare && !f.card?.bytes) throw new ApiError('INVALID_PARAMETER', 'card is required when compare_flag is true (a file part, or a part holding the bytes)');
      const reference = wantCompare && f.card ? { kind: 'image' as const, data: await readFile(f.card.path) } : undefined;

      const a = await verifyChallengeVideo(deps, req, 'livedetectfour', { appid: f.appid, digits: f.validate_data, videoPath: f.video.path, reference });
      return sendOk(reply, liveDetectFourData(a, f.seq));
    }),
  );
}
