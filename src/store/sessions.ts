import type { Db } from './db.js';

/**
 * pending: waiting for a video; verifying: one is being verified; passed / failed (attempts
 * used) / expired (token lifetime over): final.
 */
export type SessionState = 'pending' | 'verifying' | 'passed' | 'failed' | 'expired';
export type CallbackState = 'none' | 'pending' | 'delivered' | 'failed';
export type CompareKind = 'none' | 'card' | 'idcard';

export interface NewSession {
  id: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  tokenHash: string;
  appid: string;
  /** The key that signed the creation; callbacks are signed with it. */
  secretId: string;
  lang: string;
  compare: CompareKind;
  /** Face template of the card photo or of the registry's ID; dropped when the session ends. */
  reference: unknown;
  redirectUrl: string | null;
  callbackUrl: string | null;
  seq: string | null;
  maxAttempts: number;
  createdMs: number;
  expiresMs: number;
}

export interface CaptureSession extends NewSession {
  state: SessionState;
  attemptsUsed: number;
  challengesIssued: number;
  challengeDigits: string | null;
  /** While verifying: when the verification's hold on the session runs out. */
  leaseUntilMs: number | null;
  finishedMs: number | null;
  /** The latest verified attempt's answer data (livedetectfour fields and details). */
  result: Record<string, unknown> | null;
  callbackState: CallbackState;
  callbackAttempts: number;
  callbackNextMs: number | null;
  callbackError: string | null;
}

/** Why an attempt could not start. */
export type AttemptRefusal = 'expired' | 'closed' | 'busy';

/**
 * The capture sessions table. Every state change is one conditional UPDATE, so concurrent
 * requests (or server processes sharing the data dir) cannot both start an attempt, finish a
 * session twice or deliver one callback twice.
 */
export interface SessionRepository {
  create(s: NewSession): void;
  byTokenHash(tokenHash: string): CaptureSession | undefined;
  byId(appid: string, id: string): CaptureSession | undefined;
  /** Records the digits of the next attempt; false when the session cannot take more. */
  setChallenge(id: string, digits: string, nowMs: number, maxChallenges: number): boolean;
  beginAttempt(id: string, nowMs: number, leaseMs: number): { ok: true; session: CaptureSession } | { ok: false; why: AttemptRefusal };
  /** The attempt produced no verification (busy workers, broken upload): it is given back. */
  abandonAttempt(id: string): void;
  finishAttempt(id: string, nowMs: number, result: Record<string, unknown>, passed: boolean): CaptureSession;
  /** Pending sessions past their lifetime become expired; returns how many. */
  expireDue(nowMs: number): number;
  /** Due callbacks, each leased for leaseMs so no other process sends it meanwhile. */
  claimCallbacks(nowMs: number, leaseMs: number, limit: number): CaptureSession[];
  callbackDelivered(id: string): void;
  callbackFailed(id: string, error: string, nextMs: number | null): void;
  /** Deletes sessions that ended before `endedBeforeMs` and have no callback left to send. */
  purge(endedBeforeMs: number): number;
}

interface SessionRow {
  id: string;
  token_hash: string;
  appid: string;
  secret_id: string;
  lang: string;
  compare: CompareKind;
  reference: string | null;
  redirect_url: string | null;
  callback_url: string | null;
  seq: string | null;
  max_attempts: number;
  created_ms: number;
  expires_ms: number;
  state: SessionState;
  attempts_used: number;
  challenges_issued: number;
  challenge_digits: string | null;
  lease_until_ms: number | null;
  finished_ms: number | null;
  result: string | null;
  callback_state: CallbackState;
  callback_attempts: number;
  callback_next_ms: number | null;
  callback_error: string | null;
}

/** What a session keeps once it is final: the reference template goes, a callback is queued. */
const FINAL = `finished_ms = @now, reference = NULL, challenge_digits = NULL, lease_until_ms = NULL,
  callback_state = CASE WHEN callback_url IS NULL THEN 'none' ELSE 'pending' END,
  callback_next_ms = CASE WHEN callback_url IS NULL THEN NULL ELSE @now END`;

export class SessionStore implements SessionRepository {
  private readonly stmts;

  constructor(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS capture_sessions (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        appid TEXT NOT NULL,
        secret_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        compare TEXT NOT NULL,
        reference TEXT,
        redirect_url TEXT,
        callback_url TEXT,
        seq TEXT,
        max_attempts INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts_used INTEGER NOT NULL DEFAULT 0,
        challenges_issued INTEGER NOT NULL DEFAULT 0,
        challenge_digits TEXT,
        lease_until_ms INTEGER,
        finished_ms INTEGER,
        result TEXT,
        callback_state TEXT NOT NULL DEFAULT 'none',
        callback_attempts INTEGER NOT NULL DEFAULT 0,
        callback_next_ms INTEGER,
        callback_error TEXT
      );
      CREATE INDEX IF NOT EXISTS capture_sessions_open ON capture_sessions(state, expires_ms);
      CREATE INDEX IF NOT EXISTS capture_sessions_callbacks ON capture_sessions(callback_state, callback_next_ms);
      CREATE INDEX IF NOT EXISTS capture_sessions_finished ON capture_sessions(finished_ms);
    `);
    this.stmts = {
      insert: db.prepare(`INSERT INTO capture_sessions
        (id, token_hash, appid, secret_id, lang, compare, reference, redirect_url, callback_url, seq, max_attempts, created_ms, expires_ms)
        VALUES (@id, @tokenHash, @appid, @secretId, @lang, @compare, @reference, @redirectUrl, @callbackUrl, @seq, @maxAttempts, @createdMs, @expiresMs)`),
      byToken: db.prepare<[string], SessionRow>('SELECT * FROM capture_sessions WHERE token_hash = ?'),
      byId: db.prepare<[string, string], SessionRow>('SELECT * FROM capture_sessions WHERE id = ? AND appid = ?'),
      get: db.prepare<[string], SessionRow>('SELECT * FROM capture_sessions WHERE id = ?'),
      setChallenge: db.prepare(`UPDATE capture_sessions SET challenge_digits = @digits, challenges_issued = challenges_issued + 1
        WHERE id = @id AND expires_ms > @now AND challenges_issued < @max
          AND (state = 'pending' OR (state = 'verifying' AND lease_until_ms < @now))`),
      // A 'verifying' lease that ran out belongs to a server that died mid-verification.
      begin: db.prepare<[{ id: string; now: number; lease: number }], SessionRow>(`UPDATE capture_sessions
        SET state = 'verifying', attempts_used = attempts_used + 1, lease_until_ms = @now + @lease
        WHERE id = @id AND expires_ms > @now AND attempts_used < max_attempts
          AND (state = 'pending' OR (state = 'verifying' AND lease_until_ms < @now))
        RETURNING *`),
      abandon: db.prepare(`UPDATE capture_sessions SET state = 'pending', attempts_used = attempts_used - 1, lease_until_ms = NULL
        WHERE id = ? AND state = 'verifying'`),
      finish: db.prepare<[{ id: string; now: number; result: string; passed: number }], SessionRow>(`UPDATE capture_sessions
        SET result = @result,
            state = CASE WHEN @passed THEN 'passed' WHEN attempts_used >= max_attempts THEN 'failed' ELSE 'pending' END,
            challenge_digits = NULL, lease_until_ms = NULL
        WHERE id = @id AND state = 'verifying' RETURNING *`),
      final: db.prepare(`UPDATE capture_sessions SET ${FINAL} WHERE id = @id AND state IN ('passed', 'failed') AND finished_ms IS NULL`),
      expire: db.prepare(`UPDATE capture_sessions SET state = 'expired', ${FINAL}
        WHERE expires_ms <= @now AND (state = 'pending' OR (state = 'verifying' AND lease_until_ms < @now))`),
      claim: db.prepare<[{ now: number; lease: number; limit: number }], SessionRow>(`UPDATE capture_sessions
        SET callback_next_ms = @now + @lease, callback_attempts = callback_attempts + 1
        WHERE id IN (SELECT id FROM capture_sessions WHERE callback_state = 'pending' AND callback_next_ms <= @now
                     ORDER BY callback_next_ms LIMIT @limit)
        RETURNING *`),
      delivered: db.prepare(`UPDATE capture_sessions SET callback_state = 'delivered', callback_next_ms = NULL, callback_error = NULL WHERE id = ?`),
      failed: db.prepare(`UPDATE capture_sessions
        SET callback_state = CASE WHEN @next IS NULL THEN 'failed' ELSE 'pending' END, callback_next_ms = @next, callback_error = @error
        WHERE id = @id`),
      purge: db.prepare(`DELETE FROM capture_sessions WHERE finished_ms < ? AND callback_state != 'pending'`),
    };
  }

  create(s: NewSession): void {
    this.stmts.insert.run({ ...s, reference: s.reference === null ? null : JSON.stringify(s.reference) });
  }

  byTokenHash(tokenHash: string): CaptureSession | undefined {
    const row = this.stmts.byToken.get(tokenHash);
    return row && toSession(row);
  }

  byId(appid: string, id: string): CaptureSession | undefined {
    const row = this.stmts.byId.get(id, appid);
    return row && toSession(row);
  }

  setChallenge(id: string, digits: string, nowMs: number, maxChallenges: number): boolean {
    return this.stmts.setChallenge.run({ id, digits, now: nowMs, max: maxChallenges }).changes === 1;
  }

  beginAttempt(id: string, nowMs: number, leaseMs: number): { ok: true; session: CaptureSession } | { ok: false; why: AttemptRefusal } {
    const row = this.stmts.begin.get({ id, now: nowMs, lease: leaseMs });
    if (row) return { ok: true, session: toSession(row) };
    const s = this.stmts.get.get(id);
    if (!s || s.state === 'passed' || s.state === 'failed' || s.attempts_used >= s.max_attempts) return { ok: false, why: 'closed' };
    if (s.state === 'expired' || s.expires_ms <= nowMs) return { ok: false, why: 'expired' };
    return { ok: false, why: 'busy' };
  }

  abandonAttempt(id: string): void {
    this.stmts.abandon.run(id);
  }

  finishAttempt(id: string, nowMs: number, result: Record<string, unknown>, passed: boolean): CaptureSession {
    const row = this.stmts.finish.get({ id, now: nowMs, result: JSON.stringify(result), passed: passed ? 1 : 0 });
    // Gone or expired while its verification ran (a lease that ran out): the late result is dropped.
    if (!row) return this.current(id);
    if (row.state === 'pending') return toSession(row);
    this.stmts.final.run({ id, now: nowMs });
    return this.current(id);
  }

  expireDue(nowMs: number): number {
    return this.stmts.expire.run({ now: nowMs }).changes;
  }

  claimCallbacks(nowMs: number, leaseMs: number, limit: number): CaptureSession[] {
    return this.stmts.claim.all({ now: nowMs, lease: leaseMs, limit }).map(toSession);
  }

  callbackDelivered(id: string): void {
    this.stmts.delivered.run(id);
  }

  callbackFailed(id: string, error: string, nextMs: number | null): void {
    this.stmts.failed.run({ id, error: error.slice(0, 500), next: nextMs });
  }

  purge(endedBeforeMs: number): number {
    return this.stmts.purge.run(endedBeforeMs).changes;
  }

  private current(id: string): CaptureSession {
    const row = this.stmts.get.get(id);
    if (!row) throw new Error(`capture session ${id} was deleted during its verification`);
    return toSession(row);
  }

}

function toSession(r: SessionRow): CaptureSession {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    appid: r.appid,
    secretId: r.secret_id,
    lang: r.lang,
    compare: r.compare,
    reference: r.reference === null ? null : (JSON.parse(r.reference) as unknown),
    redirectUrl: r.redirect_url,
    callbackUrl: r.callback_url,
    seq: r.seq,
    maxAttempts: r.max_attempts,
    createdMs: r.created_ms,
    expiresMs: r.expires_ms,
    state: r.state,
    attemptsUsed: r.attempts_used,
    challengesIssued: r.challenges_issued,
    challengeDigits: r.challenge_digits,
    leaseUntilMs: r.lease_until_ms,
    finishedMs: r.finished_ms,
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    callbackState: r.callback_state,
    callbackAttempts: r.callback_attempts,
    callbackNextMs: r.callback_next_ms,
    callbackError: r.callback_error,
  };
}
