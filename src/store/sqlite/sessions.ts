import { attemptRefusal, toSession, type SessionRow } from '../rows.js';
import type { AttemptRefusal, CaptureSession, NewSession, SessionRepository } from '../types.js';
import type { Db } from './database.js';

/** What a session keeps once it is final: the reference template goes, a callback is queued. */
const FINAL = `finished_ms = @now, reference = NULL, challenge_digits = NULL, lease_until_ms = NULL,
  callback_state = CASE WHEN callback_url IS NULL THEN 'none' ELSE 'pending' END,
  callback_next_ms = CASE WHEN callback_url IS NULL THEN NULL ELSE @now END`;

export class SqliteSessions implements SessionRepository {
  private readonly stmts;

  constructor(db: Db) {
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

  async create(s: NewSession): Promise<void> {
    this.stmts.insert.run({ ...s, reference: s.reference === null ? null : JSON.stringify(s.reference) });
  }

  async byTokenHash(tokenHash: string): Promise<CaptureSession | undefined> {
    const row = this.stmts.byToken.get(tokenHash);
    return row && toSession(row);
  }

  async byId(appid: string, id: string): Promise<CaptureSession | undefined> {
    const row = this.stmts.byId.get(id, appid);
    return row && toSession(row);
  }

  async setChallenge(id: string, digits: string, nowMs: number, maxChallenges: number): Promise<boolean> {
    return this.stmts.setChallenge.run({ id, digits, now: nowMs, max: maxChallenges }).changes === 1;
  }

  async beginAttempt(id: string, nowMs: number, leaseMs: number): Promise<{ ok: true; session: CaptureSession } | { ok: false; why: AttemptRefusal }> {
    const row = this.stmts.begin.get({ id, now: nowMs, lease: leaseMs });
    if (row) return { ok: true, session: toSession(row) };
    return { ok: false, why: attemptRefusal(this.stmts.get.get(id), nowMs) };
  }

  async abandonAttempt(id: string): Promise<void> {
    this.stmts.abandon.run(id);
  }

  async finishAttempt(id: string, nowMs: number, result: Record<string, unknown>, passed: boolean): Promise<CaptureSession> {
    const row = this.stmts.finish.get({ id, now: nowMs, result: JSON.stringify(result), passed: passed ? 1 : 0 });
    // Gone or expired while its verification ran (a lease that ran out): the late result is dropped.
    if (!row) return this.current(id);
    if (row.state === 'pending') return toSession(row);
    this.stmts.final.run({ id, now: nowMs });
    return this.current(id);
  }

  async expireDue(nowMs: number): Promise<number> {
    return this.stmts.expire.run({ now: nowMs }).changes;
  }

  async claimCallbacks(nowMs: number, leaseMs: number, limit: number): Promise<CaptureSession[]> {
    return this.stmts.claim.all({ now: nowMs, lease: leaseMs, limit }).map(toSession);
  }

  async callbackDelivered(id: string): Promise<void> {
    this.stmts.delivered.run(id);
  }

  async callbackFailed(id: string, error: string, nextMs: number | null): Promise<void> {
    this.stmts.failed.run({ id, error: error.slice(0, 500), next: nextMs });
  }

  async purge(endedBeforeMs: number): Promise<number> {
    return this.stmts.purge.run(endedBeforeMs).changes;
  }

  private current(id: string): CaptureSession {
    const row = this.stmts.get.get(id);
    if (!row) throw new Error(`capture session ${id} was deleted during its verification`);
    return toSession(row);
  }
}
