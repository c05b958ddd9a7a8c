import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { appid, compareFlag, seq, validateData } from '../params.js';
import { readVideoRequest, verifyChallengeVideo } from '../video-verification.js';

const Fields = z.object({ appid, validate_data: validateData, compare_flag: compareFlag, seq }).passthrough();

/** POST /face/livedetectfour (multipart): lip-reading liveness, optionally compared with `card`. */
export function livedetectfourRoute(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/face/livedetectfour',
    { config: { endpoint: 'livedetectfour', verification: true } },
    wrap(async (req, reply) => {
      const { fields: f, video, files } = await readVideoRequest(deps, req, 'livedetectfour', Fields, ['video', 'card']);
      const wantCompare = f.compare_flag === 'true';
      const card = files.card;
      if (wantCompare && !card?.bytes) throw new ApiError('INVALID_PARAMETER', 'card is required when compare_flag is true (a file part, or a part holding the bytes)');
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
