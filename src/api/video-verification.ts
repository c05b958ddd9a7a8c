import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { assertSameAppid } from '../auth/authenticate.js';
import { outcome } from '../core/errors.js';
import type { FaceReference, Outcome, VideoVerifyResult } from '../core/inference.js';
import type { Service } from '../auth/services.js';
import { authenticateRequest } from './authenticate-request.js';
import type { ApiDeps } from './deps.js';
import { readMultipart } from './multipart.js';
import type { Endpoint } from './request-state.js';
import { runInference } from './run-inference.js';
import type { UploadFile } from './uploads.js';

export interface VideoAnswer {
  live: Outcome;
  compare?: Outcome & { sim?: number };
  photoJpeg?: Uint8Array;
  details: Record<string, unknown>;
}

/**
 * The upload of livedetectfour and idcardlivedetectfour: authenticated before the body is read
 * (an unsigned caller costs no disk writes), then text fields and parts validated together.
 */
export async function readVideoRequest<S extends z.ZodType<{ appid: string; video: UploadFile }, z.ZodTypeDef, unknown>>(
  deps: ApiDeps,
  req: FastifyRequest,
  service: Service,
  schema: S,
): Promise<z.output<S>> {
  const auth = authenticateRequest(deps, req, service);
  const body = await readMultipart(req, { uploads: deps.uploads, limitBytes: deps.config.bodyLimitBytes });
  const form = schema.parse({ ...body.fields, ...body.files });
  assertSameAppid(auth.appid, form.appid);
  return form;
}

/**
 * The shared core of livedetectfour and idcardlivedetectfour: redeem the challenge named by
 * (appid, validate_data), then hand the video to the inference workers. A challenge that is
 * unknown, expired or used fails liveness with the -5002 family and the video is not decoded.
 * When the workers are full the challenge is given back, so the client can retry it.
 */
export async function verifyChallengeVideo(
  deps: ApiDeps,
  req: FastifyRequest,
  endpoint: Endpoint,
  args: { appid: string; digits: string; videoPath: string; reference?: FaceReference },
): Promise<VideoAnswer> {
  const redeemed = deps.challenges.redeem(args.appid, args.digits, deps.clock());
  if (!redeemed.ok) {
    const live: Outcome = { ...outcome(redeemed.error), name: redeemed.error };
    const answer: VideoAnswer = { live, details: { request_id: req.id, checks: [], challenge: live.msg } };
    // The comparison never ran: it carries the liveness failure rather than a made-up result.
    if (args.reference) answer.compare = { ...live };
    record(deps, req, endpoint, answer, []);
    return answer;
  }
  const result: VideoVerifyResult = await runInference(
    deps.metrics,
    () => deps.inference.verifyVideo({ videoPath: args.videoPath, digits: args.digits, reference: args.reference }),
    () => deps.challenges.release(redeemed.id),
  );
  const answer: VideoAnswer = {
    live: result.live,
    details: { request_id: req.id, checks: result.checks, timings_ms: result.timingsMs },
    photoJpeg: result.photoJpeg,
  };
  if (args.reference) answer.compare = result.compare ?? { ...result.live };
  req.lc.timingsMs = result.timingsMs;
  record(deps, req, endpoint, answer, result.checks);
  return answer;
}

function record(deps: ApiDeps, req: FastifyRequest, endpoint: Endpoint, a: VideoAnswer, checks: VideoVerifyResult['checks']): void {
  req.lc.liveStatus = a.live.status;
  req.lc.compareStatus = a.compare?.status ?? null;
  req.lc.score = a.compare?.sim ?? null;
  req.lc.checks = checks.map((c) => ({ name: c.name, passed: c.passed, score: c.score, threshold: c.threshold, ms: c.ms }));
  req.lc.message = a.live.msg;
  deps.metrics.verification(endpoint, 'live', a.live.msg, checks);
  if (a.compare) deps.metrics.verification(endpoint, 'compare', a.compare.msg, []);
}
