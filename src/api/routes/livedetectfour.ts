import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { liveDetectFourData } from '../answer-data.js';
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
      if (wantCompare && !card) throw new ApiError('INVALID_PARAMETER', 'card (a file part) is required when compare_flag is true');
      const reference = wantCompare && card ? { kind: 'image' as const, data: await readFile(card.path) } : undefined;

      const a = await verifyChallengeVideo(deps, req, 'livedetectfour', { appid: f.appid, digits: f.validate_data, videoPath: video.path, reference });
      return sendOk(reply, liveDetectFourData(a, f.seq));
    }),
  );
}
