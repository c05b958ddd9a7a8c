import { z } from './zod.js';

/**
 * What the endpoints answer, as zod schemas: the OpenAPI document is generated from them
 * (openapi.ts) and the API tests check real answers against them, so the two cannot drift.
 */

const status = z.number().int().openapi({ description: '0 when passed, else the SPEC code of the failure (for example -5008)' });
const msg = z.string().openapi({ description: '"OK", or the UPPER_SNAKE token of the failure (for example VIDEO_AUDIO_RECOG_FAILED)' });

const check = z.object({
  name: z.enum(['video', 'audio', 'face', 'mouth', 'digits', 'sync', 'presentation']),
  passed: z.boolean().nullable().openapi({ description: 'null: the check could not run' }),
  score: z.number().nullable(),
  threshold: z.number().nullable(),
  ms: z.number(),
  message: z.string(),
  extra: z.record(z.string(), z.unknown()).optional(),
});

/** livecheck's addition; legacy clients ignore it. */
const details = z
  .object({
    request_id: z.string(),
    checks: z.array(check),
    timings_ms: z.record(z.string(), z.number()).optional(),
    challenge: z.string().optional().openapi({ description: 'the challenge failure token when the challenge itself failed' }),
  })
  .openapi('VerificationDetails');

export const LiveGetFourData = z.object({
  validate_data: z.string().openapi({ description: 'the 4 digits to read aloud', example: '9532' }),
  seq: z.string().optional(),
});

export const LiveDetectFourData = z.object({
  live_status: status,
  live_msg: msg,
  compare_status: status.optional().openapi({ description: 'with compare_flag "true"; repeats a failed live_status' }),
  compare_msg: msg.optional(),
  sim: z.number().int().min(0).max(100).optional().openapi({ description: 'when compare_status is 0; above 70 ~ 1/1000 false accepts' }),
  photo: z.string().optional().openapi({ description: 'when compare_status is 0: base64 JPEG of the video frame most like the card' }),
  seq: z.string().optional(),
  details,
});

export const IdcardLiveDetectFourData = z.object({
  live_status: status,
  live_msg: msg,
  compare_status: status,
  compare_msg: msg,
  sim: z.number().int().min(0).max(100).optional(),
  video_photo: z.string().optional().openapi({ description: 'when compare_status is 0: base64 JPEG (the legacy name)' }),
  seq: z.string().optional(),
  details,
});

export const IdcardCompareData = z.object({
  similarity: z.number().min(0).max(100).openapi({ description: 'same person above 70' }),
  session_id: z.string(),
  details: z.object({ request_id: z.string() }),
});

export const LiveDetectPictureData = z.object({
  score: z.number().int().min(0).max(100).openapi({ description: 'above 87 = live' }),
  session_id: z.string().openapi({ description: 'echoed, or "not_set_session_id"' }),
  details: z.object({ request_id: z.string() }).passthrough(),
});

const captureState = z.enum(['pending', 'verifying', 'passed', 'failed', 'expired']);

export const CaptureSessionCreatedData = z.object({
  session_id: z.string(),
  token: z.string().openapi({ description: 'single-session bearer token for the page; also in the url fragment' }),
  url: z.string().openapi({ description: 'the hosted page for this session (token in the fragment)' }),
  expires_at: z.number().int().openapi({ description: 'unix seconds' }),
  expires_in: z.number().int(),
  max_attempts: z.number().int(),
  seq: z.string().optional(),
});

export const CaptureResultData = LiveDetectFourData.omit({ live_status: true, live_msg: true, details: true })
  .extend({
    session_id: z.string(),
    state: captureState,
    lang: z.enum(['zh-CN', 'en']),
    compare: z.enum(['none', 'card', 'idcard']),
    attempts_used: z.number().int(),
    max_attempts: z.number().int(),
    created_at: z.number().int(),
    expires_at: z.number().int(),
    finished_at: z.number().int().nullable(),
    live_status: status.optional().openapi({ description: 'the latest attempt: livedetectfour fields (video_photo for an ID-card session); absent before the first' }),
    live_msg: msg.optional(),
    video_photo: z.string().optional(),
    details: details.optional(),
  })
  .openapi('CaptureResult');

export const CaptureViewData = z.object({
  state: captureState,
  lang: z.enum(['zh-CN', 'en']),
  max_attempts: z.number().int(),
  attempts_left: z.number().int(),
  expires_in: z.number().int(),
  redirect_url: z.string().nullable().openapi({ description: "the app's redirect URL with livecheck_token added" }),
  last: z
    .object({
      outcome: z.enum(['passed', 'failed', 'retry']),
      hint: z.enum(['face', 'voice', 'noise', 'digits', 'lips', 'camera', 'video', 'time', 'other']).nullable().openapi({ description: 'what the user can change; never which attack check failed' }),
    })
    .nullable(),
});

export const CaptureChallengeData = z.object({ validate_data: z.string(), attempts_left: z.number().int() });

export const HealthData = z.object({
  db: z.enum(['ok', 'unreachable']),
  workers: z.enum(['ok', 'busy', 'slow', 'down']),
});

/** Every answer's envelope; `data` of a success is the endpoint's own. */
export const envelope = <D extends z.ZodTypeAny>(data: D) => z.object({ code: z.literal(0), message: z.literal('OK'), data });

export const ErrorEnvelope = z
  .object({
    code: z.number().int().openapi({ description: 'SPEC request-level code (3, 4, 5, 6, 9-16, 21, 23, 24, 107, 108, 213), or a top-level face / identity code' }),
    message: z.string(),
    data: z.object({ request_id: z.string(), session_id: z.string().optional() }),
  })
  .openapi('ErrorEnvelope');
