import { ERRORS, type ErrorName } from '../core/errors.js';
import type { CaptureSession, SessionState } from '../store/sessions.js';

/** What the page tells the user after an attempt; the app's backend gets the full result. */
export type AttemptOutcome = 'passed' | 'retry' | 'failed';

/**
 * Advice for the next attempt. Checks an attacker would learn from (lip-sync, presentation,
 * face comparison) all map to 'other', so the page never says which of them failed.
 */
export type Hint = 'face' | 'voice' | 'noise' | 'digits' | 'lips' | 'camera' | 'video' | 'time' | 'other';

const HINTS: Partial<Record<ErrorName, Hint>> = {
  TOO_FEW_FACES: 'face',
  NO_FACE_OR_MOUTH: 'face',
  VIDEO_NO_FACE: 'face',
  VIDEO_FEATURE_FAILED: 'face',
  NO_SOUND: 'voice',
  TOO_QUIET: 'voice',
  TOO_NOISY: 'noise',
  DIGITS_MISMATCH: 'digits',
  LIPS_STILL: 'lips',
  RESOLUTION_TOO_LOW: 'camera',
  VIDEO_INVALID: 'video',
  VIDEO_SELFIE_DECODE_FAILED: 'video',
  CHALLENGE_EXPIRED: 'time',
  CHALLENGE_USED: 'time',
  CHALLENGE_UNKNOWN: 'time',
};
const HINT_BY_TOKEN = new Map(Object.entries(HINTS).map(([name, hint]) => [ERRORS[name as ErrorName].token, hint]));

/** The answer data of one attempt, as livedetectfour / idcardlivedetectfour would give it. */
export type AttemptResult = Record<string, unknown> & { live_status: number; live_msg: string; compare_status?: number };

export function attemptPassed(r: AttemptResult): boolean {
  return r.live_status === 0 && (r.compare_status === undefined || r.compare_status === 0);
}

export function hintFor(r: AttemptResult): Hint | null {
  if (r.live_status !== 0) return HINT_BY_TOKEN.get(r.live_msg) ?? 'other';
  return attemptPassed(r) ? null : 'other';
}

/**
 * The state as of now: a pending session past its lifetime is expired before the sweeper marks
 * it, and a verification whose hold ran out (its server died) no longer blocks the session.
 */
export function effectiveState(s: CaptureSession, nowMs: number): SessionState {
  const stale = s.state === 'verifying' && (s.leaseUntilMs ?? 0) < nowMs;
  if (s.state !== 'pending' && !stale) return s.state;
  return s.expiresMs <= nowMs ? 'expired' : 'pending';
}

const unix = (ms: number): number => Math.floor(ms / 1000);

/**
 * The session as the app's backend sees it (signed result fetch and callback): the session
 * fields, then the latest attempt's livedetectfour data when an attempt has been verified.
 */
export function sessionResult(s: CaptureSession, nowMs: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    session_id: s.id,
    state: effectiveState(s, nowMs),
    lang: s.lang,
    compare: s.compare,
    attempts_used: s.attemptsUsed,
    max_attempts: s.maxAttempts,
    created_at: unix(s.createdMs),
    expires_at: unix(s.expiresMs),
    finished_at: s.finishedMs === null ? null : unix(s.finishedMs),
  };
  if (s.seq !== null) data.seq = s.seq;
  return s.result ? { ...data, ...s.result } : data;
}

/** The redirect target: the app's URL with only the session token added. */
export function redirectWithToken(redirectUrl: string, token: string): string {
  const u = new URL(redirectUrl);
  u.searchParams.set('livecheck_token', token);
  return u.href;
}

export interface BrowserView {
  state: SessionState;
  lang: string;
  max_attempts: number;
  attempts_left: number;
  expires_in: number;
  redirect_url: string | null;
  /** The latest attempt, in the words the page may show. */
  last: { outcome: AttemptOutcome; hint: Hint | null } | null;
}

/** The session as the page sees it: no scores, no codes, nothing about which check failed. */
export function browserView(s: CaptureSession, nowMs: number, token: string): BrowserView {
  const state = effectiveState(s, nowMs);
  const result = s.result as AttemptResult | null;
  return {
    state,
    lang: s.lang,
    max_attempts: s.maxAttempts,
    attempts_left: Math.max(0, s.maxAttempts - s.attemptsUsed),
    expires_in: Math.max(0, Math.ceil((s.expiresMs - nowMs) / 1000)),
    redirect_url: s.redirectUrl === null ? null : redirectWithToken(s.redirectUrl, token),
    last: result && { outcome: state === 'passed' ? 'passed' : state === 'failed' || state === 'expired' ? 'failed' : 'retry', hint: hintFor(result) },
  };
}
