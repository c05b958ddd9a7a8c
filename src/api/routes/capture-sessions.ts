import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sessionResult } from '../../capture/session-view.js';
import { hashSessionToken, newSessionToken } from '../../capture/tokens.js';
import { ApiError } from '../../core/errors.js';
import type { FaceTemplate } from '../../core/inference.js';
import { FetchImageError, parseTarget } from '../../fetch/index.js';
import type { CompareKind } from '../../store/index.js';
import type { ApiDeps } from '../deps.js';
import { sendOk } from '../envelope.js';
import type { Handler } from '../hooks.js';
import { lookupIdentity } from '../identity-lookup.js';
import { base64Image } from '../image-input.js';
import { appid, base64Text, idcardName, idcardNumber, seq, url } from '../params.js';
import type { RouteDoc } from '../openapi.js';
import { CaptureResultData, CaptureSessionCreatedData } from '../responses.js';
import { runInference } from '../run-inference.js';
import { z } from '../zod.js';

const httpUrl = url.refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an absolute http(s) URL');

const CreateBody = z
  .object({
    appid,
    seq,
    lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
    redirect_url: httpUrl.optional(),
    callback_url: httpUrl.optional(),
    max_attempts: z.number().int().min(1).optional(),
    idcard_number: idcardNumber,
    idcard_name: idcardName,
    /** Card photo for a comparison. */
    card: base64Text.optional(),
  })
  .passthrough();

const ResultBody = z
  .object({ appid, session_id: z.string().min(1).max(128).optional(), token: z.string().min(1).max(128).optional() })
  .passthrough()
  .refine((b) => (b.session_id === undefined) !== (b.token === undefined), { message: 'send exactly one of session_id and token', path: ['session_id'] });

const createDoc: RouteDoc = {
  summary: 'create a capture session (hosted page URL and a single-session token)',
  description:
    'Signed like the legacy endpoints (service livedetectfour, or idcardlivedetectfour with idcard_number/idcard_name). ' +
    'Optional card (base64 photo) or ID-card compare, redirect_url, callback_url, max_attempts; docs/api.md, Capture sessions.',
  body: { json: CreateBody },
  answer: { data: CaptureSessionCreatedData },
  signed: true,
};

const resultDoc: RouteDoc = {
  summary: "a capture session's state and its latest attempt in the livedetectfour envelope",
  description: 'Signed; by session_id or by the token the redirect carried. Another app\'s or an unknown session is 21.',
  body: { json: ResultBody },
  answer: { data: CaptureResultData },
  signed: true,
};

/**
 * The app's backend side of the hosted capture flow, signed like the legacy endpoints:
 * POST /capture/sessions creates a session (page URL and single-session token),
 * POST /capture/sessions/result reads it back in the livedetectfour envelope.
 */
export function captureSessionRoutes(app: FastifyInstance, deps: ApiDeps, wrap: (h: Handler) => Handler): void {
  app.post(
    '/capture/sessions',
    { config: { endpoint: 'capture_create', doc: createDoc } },
    wrap(async (req, reply) => {
      const body = CreateBody.parse(req.body ?? {});
      req.lc.appid = body.appid;
      const idcard = body.idcard_number !== undefined || body.idcard_name !== undefined;
      const auth = await deps.auth.authenticate(req.headers.authorization, idcard ? 'idcardlivedetectfour' : 'livedetectfour', body.appid);
      const cfg = deps.config.capture;
      const maxAttempts = body.max_attempts ?? cfg.maxAttempts;
      if (maxAttempts > cfg.maxAttempts) throw new ApiError('INVALID_PARAMETER', `max_attempts is at most ${cfg.maxAttempts} on this server`);
      if (idcard && body.card !== undefined) throw new ApiError('INVALID_PARAMETER', 'send card or idcard_number/idcard_name, not both');
      if (body.callback_url !== undefined) checkCallbackTarget(body.callback_url, cfg.callbacks.allowPrivate);

      let compare: CompareKind = 'none';
      let reference: FaceTemplate | null = null;
      if (idcard) {
        compare = 'idcard';
        reference = await lookupIdentity(deps, req, body.idcard_number, body.idcard_name);
      } else if (body.card !== undefined) {
        compare = 'card';
        reference = await cardTemplate(deps, body.card);
      }

      const now = deps.clock();
      const { token, hash } = newSessionToken();
      const id = randomUUID();
      const expiresMs = now + cfg.sessionTtlSec * 1000;
      await deps.sessions.create({
        id,
        tokenHash: hash,
        appid: body.appid,
        secretId: auth.secretId,
        lang: body.lang,
        compare,
        reference,
        redirectUrl: body.redirect_url ?? null,
        callbackUrl: body.callback_url ?? null,
        seq: body.seq ?? null,
        maxAttempts,
        createdMs: now,
        expiresMs,
      });
      const data: Record<string, unknown> = {
        session_id: id,
        token,
        url: pageUrl(deps, req, token),
        expires_at: Math.floor(expiresMs / 1000),
        expires_in: cfg.sessionTtlSec,
        max_attempts: maxAttempts,
      };
      if (body.seq !== undefined) data.seq = body.seq;
      return sendOk(reply, data);
    }),
  );

  app.post(
    '/capture/sessions/result',
    { config: { endpoint: 'capture_result', doc: resultDoc } },
    wrap(async (req, reply) => {
      const body = ResultBody.parse(req.body ?? {});
      req.lc.appid = body.appid;
      const session = body.session_id !== undefined ? await deps.sessions.byId(body.appid, body.session_id) : await deps.sessions.byTokenHash(hashSessionToken(body.token ?? ''));
      // The service checked is the one the session was created under; the signature is checked
      // before anything about the session is told.
      await deps.auth.authenticate(req.headers.authorization, session?.compare === 'idcard' ? 'idcardlivedetectfour' : 'livedetectfour', body.appid);
      if (!session || session.appid !== body.appid) throw new ApiError('CAPTURE_SESSION_NOT_FOUND');
      return sendOk(reply, sessionResult(session, deps.clock()));
    }),
  );
}

/** Refused at creation when the URL can never be delivered to (scheme, a non-public literal address). */
function checkCallbackTarget(callbackUrl: string, allowPrivate: boolean): void {
  try {
    parseTarget(callbackUrl, allowPrivate);
  } catch (err) {
    const why = err instanceof FetchImageError ? err.reason : 'invalid-url';
    throw new ApiError('INVALID_PARAMETER', `callback_url cannot be used (${why})`);
  }
}

/** The card's face template, made now so a card without a usable face is refused before the user records. */
async function cardTemplate(deps: ApiDeps, card: string): Promise<FaceTemplate> {
  const image = base64Image(card);
  const embedded = await runInference(deps.metrics, () => deps.inference.embedPhoto(image, 'card'));
  if (!embedded.ok) throw new ApiError(embedded.error);
  return embedded.template;
}

/** The token rides in the fragment: browsers never send it to a server or in a Referer. */
function pageUrl(deps: ApiDeps, req: FastifyRequest, token: string): string {
  const base = deps.config.capture.publicUrl ?? `${req.protocol}://${req.host}`;
  // Relative to the base's path, so a publicUrl behind a path prefix (https://x/livecheck/) works.
  return new URL(`capture/#token=${token}`, base.endsWith('/') ? base : `${base}/`).href;
}
