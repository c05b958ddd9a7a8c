import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assertSameAppid } from '../../auth/authenticate.js';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { readMultipart } from '../multipart.js';
import { appid, compareFlag, seq, validateData } from '../params.js';
import { verifyChallengeVideo } from '../video-verification.js';

const Fields = z.object({ appid, validate_data: validateData, compare_flag: compareFlag, seq }).passthrough();

/** POST /face/livedetectfour (multipart): lip-reading liveness, optionally compared with `card`. */
export function livedetectfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/livedetectfour',
    { config: { endpoint: 'livedetectfour', verification: true } },
    wrap(async (req, reply) => {
      // Authenticated before the upload is read: an unsigned caller costs no disk writes.
      const auth = deps.auth.authenticate(req.headers.authorization, 'livedetectfour');
      req.lc.appid = auth.appid;
      const body = await readMultipart(req, { fileFields: ['video', 'card'], tmpDir: deps.tmpDir, limitBytes: deps.config.bodyLimitBytes });
      const f = Fields.parse(body.fields);
      assertSameAppid(auth.appid, f.appid);
      const video = body.files.video;
      if (!video) throw new ApiError('INVALID_PARAMETER', 'video (a file part) is required');
      const wantCompare = f.compare_flag === 'true';
      const card = body.files.card;
      if (wantCompare && !card) throw new ApiError('INVALID_PARAMETER', 'card (a file part) is required when compare_flag is true');
      const reference = wantCompare && card ? { kind: 'image' as const, data: await readFile(card.path) } : undefined;

      const a = await verifyChallengeVideo(deps, req, 'livedetectfour', { appid: f.appid, digits: f.validate_data, videoPath: video.path, reference });
      const data: Record<string, unknown> = { live_status: a.live.status, live_msg: a.live.msg };
      if (a.compare) {
        data.compare_status = a.compare.status;
        data.compare_msg = a.compare.msg;
        if (a.compare.status === 0) {
          data.sim = Math.round(a.compare.sim ?? 0);
          data.photo = a.photoJpeg ? Buffer.from(a.photoJpeg).toString('base64') : '';
        }
      }
      if (f.seq !== undefined) data.seq = f.seq;
      data.details = a.details;
      return sendOk(reply, data);
    }),
  );
}
