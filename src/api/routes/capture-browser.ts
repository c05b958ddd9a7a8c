import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { attemptPassed, browserView, effectiveState, type AttemptResult } from '../../capture/session-view.js';
import { hashSessionToken } from '../../capture/tokens.js';
import { ApiError } from '../../core/errors.js';
import type { FaceTemplate } from '../../core/inference.js';
import type { AttemptRefusal, CaptureSession } from '../../store/sessions.js';
import { idcardLiveDetectFourData, liveDetectFourData } from '../answer-data.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { readMultipart } from '../multipart.js';
import type { RouteDoc } from '../openapi.js';
import { requiredUpload } from '../params.js';
import { CaptureChallengeData, CaptureViewData } from '../responses.js';
import { verifyChallengeVideo } from '../video-verification.js';
import { z } from '../zod.js';

/**
 * A verification holds its session this long; a server that dies mid-verification leaves a
 * lease that runs out, after which the session takes an attempt again. Longer than a queued
 * verification can take (queue wait plus the 60 s decode limit).
 */
const ATTEMPT_LEASE_MS = 5 * 60_000;
/**
 * Digits a session may request per attempt: a user may reopen the camera or lose the tab a few
 * times per attempt. The cap only bounds the challenge rows one token can create.
 */
const CHALLENGES_PER_ATTEMPT = 5;

const pageCall = (summary: string, description: string, data: z.ZodTypeAny, body?: RouteDoc['body']): RouteDoc => ({
  summary,
  description,
  answer: { data },
  signed: false,
  sessionToken: true,
  ...(body ? { body } : {}),
});

const sessionDoc = pageCall("the session as the page may show it", 'No result details: only the outcome and a hint of what to change.', CaptureViewData);
const challengeDoc = pageCall('four digits for the next attempt', 'Issued like livegetfour, bound to the session; a few per attempt.', CaptureChallengeData);
const uploadDoc = pageCall(
  "the recorded video: the same verification as livedetectfour with the session's digits",
  'webm (VP8/VP9, Opus) or mp4 (H.264, AAC or Opus), size limits as livedetectfour; an attempt counts only when the video was verified.',
  CaptureViewData,
  { multipart: z.object({ video: requiredUpload }) },
);

const TOKEN = /^Bearer\s+([A-Za-z0-9_-]{20,128})\s*$/;

/**
 * The page's side of the hosted capture flow, authenticated by the session's bearer token
 * (never by the app's SecretKey, which the browser must not hold). CORS is open because the
 * token is the only credential (no cookies): an app can embed <livecheck-capture> in its own
 * origin's pages.
 */
export function captureBrowserRoutes(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.register(
    async (scope) => {
      await scope.register(cors, { origin: '*', methods: ['GET', 'POST'], allowedHeaders: ['authorization'], exposedHeaders: ['x-request-id'], maxAge: 600 });
      scope.addHook('onSend', async (_req, reply) => {
        reply.header('cache-control', 'no-store');
      });

      scope.get(
        '/session',
        { config: { endpoint: 'capture_session', doc: sessionDoc } },
        wrap(async (req, reply) => {
          const { session, token } = sessionOf(deps, req);
          return sendOk(reply, browserView(session, deps.clock(), token));
        }),
      );

      scope.post(
        '/challenge',
        { config: { endpoint: 'capture_challenge', doc: challengeDoc } },
        wrap(async (req, reply) => {
          const { session } = sessionOf(deps, req);
          const now = deps.clock();
          assertOpen(session, now);
          const digits = await deps.challenges.issue(session.appid, now);
          if (digits === null) throw new ApiError('CHALLENGES_EXHAUSTED');
          if (!deps.sessions.setChallenge(session.id, digits, now, session.maxAttempts * CHALLENGES_PER_ATTEMPT)) {
            throw new ApiError('CAPTURE_SESSION_CLOSED', 'this session has requested digits too many times');
          }
          return sendOk(reply, { validate_data: digits, attempts_left: session.maxAttempts - session.attemptsUsed });
        }),
      );

      scope.post(
        '/upload',
        { config: { endpoint: 'capture_upload', verification: true, doc: uploadDoc } },
        wrap(async (req, reply) => {
          const { session, token } = sessionOf(deps, req);
          assertOpen(session, deps.clock());
          if (!session.challengeDigits) throw new ApiError('INVALID_PARAMETER', 'no digits issued yet: POST /capture/api/challenge first');
          const begun = deps.sessions.beginAttempt(session.id, deps.clock(), ATTEMPT_LEASE_MS);
          if (!begun.ok) throw refusal(begun.why);
          let result: AttemptResult;
          try {
            result = await verifyUpload(deps, req, begun.session);
          } catch (err) {
            deps.sessions.abandonAttempt(session.id);
            throw err;
          }
          const after = deps.sessions.finishAttempt(session.id, deps.clock(), result, attemptPassed(result));
          if (after.finishedMs !== null && after.callbackUrl !== null) void deps.callbacks.kick();
          return sendOk(reply, browserView(after, deps.clock(), token));
        }),
      );
    },
    { prefix: '/capture/api' },
  );
}

/** The same verification as livedetectfour / idcardlivedetectfour, with the session's digits and reference. */
async function verifyUpload(deps: ApiDeps, req: FastifyRequest, session: CaptureSession): Promise<AttemptResult> {
  const body = await readMultipart(req, { uploads: deps.uploads, limitBytes: deps.config.bodyLimitBytes });
  const video = body.files.video;
  if (!video) throw new ApiError('INVALID_PARAMETER', 'video (a file part) is required');
  const reference = session.compare === 'none' ? undefined : { kind: 'template' as const, template: session.reference as FaceTemplate };
  const a = await verifyChallengeVideo(deps, req, 'capture_upload', {
    appid: session.appid,
    digits: session.challengeDigits as string,
    videoPath: video.path,
    reference,
  });
  return (session.compare === 'idcard' ? idcardLiveDetectFourData(a, undefined) : liveDetectFourData(a, undefined)) as AttemptResult;
}

function sessionOf(deps: ApiDeps, req: FastifyRequest): { session: CaptureSession; token: string } {
  const header = req.headers.authorization?.trim();
  if (!header) throw new ApiError('CAPTURE_TOKEN_MISSING');
  const token = TOKEN.exec(header)?.[1];
  const session = token === undefined ? undefined : deps.sessions.byTokenHash(hashSessionToken(token));
  if (!session || token === undefined) throw new ApiError('CAPTURE_TOKEN_INVALID');
  req.lc.appid = session.appid;
  // A live session token stands in for the app's signature: its uploads leave a records row.
  req.lc.authenticated = true;
  return { session, token };
}

function assertOpen(session: CaptureSession, nowMs: number): void {
  const state = effectiveState(session, nowMs);
  if (state === 'expired') throw new ApiError('CAPTURE_SESSION_EXPIRED');
  if (state === 'passed' || state === 'failed') throw new ApiError('CAPTURE_SESSION_CLOSED');
  if (state === 'verifying') throw new ApiError('CAPTURE_SESSION_BUSY');
}

function refusal(why: AttemptRefusal): ApiError {
  if (why === 'expired') return new ApiError('CAPTURE_SESSION_EXPIRED');
  if (why === 'closed') return new ApiError('CAPTURE_SESSION_CLOSED');
  return new ApiError('CAPTURE_SESSION_BUSY');
}
