import type pg from 'pg';
import { attemptRefusal, toSession, type SessionRow } from '../rows.js';
import type { AttemptRefusal, CaptureSession, NewSession, SessionRepository } from '../types.js';

/** What a session keeps once it is final ($2: now): the reference template goes, a callback is queued. */
const FINAL = `finished_ms = $2::bigint, reference = NULL, challenge_digits = NULL, lease_until_ms = NULL,
  callback_state = CASE WHEN callback_url IS NULL THEN 'none' ELSE 'pending' END,
  callback_next_ms = CASE WHEN callback_url IS NULL THEN NULL ELSE $2::bigint END`;

/**
 * Capture sessions in PostgreSQL. Each state change is one UPDATE whose WHERE clause PostgreSQL
 * re-checks on the locked row, so concurrent replicas cannot both begin an attempt; callbacks are
 * claimed with SKIP LOCKED so two replicas never lease one delivery.
 */
export class PostgresSessions implements SessionRepository {
  constructor(private readonly pool: pg.Pool) {}

  private async rows(sql: string, args: unknown[]): Promise<SessionRow[]> {
    return (await this.pool.query<SessionRow>(sql, args)).rows;
  }

  private async changes(sql: string, args: unknown[]): Promise<number> {
    return (await this.pool.query(sql, args)).rowCount ?? 0;
  }

  async create(s: NewSession): Promise<void> {
    await this.pool.query(
      `INSERT INTO capture_sessions
        (id, token_hash, appid, secret_id, lang, compare, reference, redirect_url, callback_url, seq, max_attempts, created_ms, expires_ms)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [s.id, s.tokenHash, s.appid, s.secretId, s.lang, s.compare, s.reference === null ? null : JSON.stringify(s.reference), s.redirectUrl, s.callbackUrl, s.seq, s.maxAttempts, s.createdMs, s.expiresMs],
    );
  }

  async byTokenHash(tokenHash: string): Promise<CaptureSession | undefined> {
    const [row] = await this.rows('SELECT * FROM capture_sessions WHERE token_hash = $1', [tokenHash]);
    return row && toSession(row);
  }

  async byId(appid: string, id: string): Promise<CaptureSession | undefined> {
    const [row] = await this.rows('SELECT * FROM capture_sessions WHERE id = $1 AND appid = $2', [id, appid]);
    return row && toSession(row);
  }

  async setChallenge(id: string, digits: string, nowMs: number, maxChallenges: number): Promise<boolean> {
    const n = await this.changes(
      `UPDATE capture_sessions SET challenge_digits = $2, challenges_issued = challenges_issued + 1
       WHERE id = $1 AND expires_ms > $3 AND challenges_issued < $4
         AND (state = 'pending' OR (state = 'verifying' AND lease_until_ms < $3))`,
      [id, digits, nowMs, maxChallenges],
    );
    return n === 1;
  }

  async beginAttempt(id: string, nowMs: number, leaseMs: number): Promise<{ ok: true; session: CaptureSession } | { ok: false; why: AttemptRefusal }> {
    // A 'verifying' lease that ran out belongs to a server that died mid-verification.
    const [row] = await this.rows(
      `UPDATE capture_sessions SET state = 'verifying', attempts_used = attempts_used + 1, lease_until_ms = $2 + $3
       WHERE id = $1 AND expires_ms > $2 AND attempts_used < max_attempts
         AND (state = 'pending' OR (state = 'verifying' AND lease_until_ms < $2))
       RETURNING *`,
      [id, nowMs, leaseMs],
    );
    if (row) return { ok: true, session: toSession(row) };
    const [current] = await this.rows('SELECT * FROM capture_sessions WHERE id = $1', [id]);
    return { ok: false, why: attemptRefusal(current, nowMs) };
  }

  async abandonAttempt(id: string): Promise<void> {
    await this.pool.query(`UPDATE capture_sessions SET state = 'pending', attempts_used = attempts_used - 1, lease_until_ms = NULL WHERE id = $1 AND state = 'verifying'`, [id]);
  }

  async finishAttempt(id: string, nowMs: number, result: Record<string, unknown>, passed: boolean): Promise<CaptureSession> {
    const [row] = await this.rows(
      `UPDATE capture_sessions
       SET result = $2,
           state = CASE WHEN $3 THEN 'passed' WHEN attempts_used >= max_attempts THEN 'failed' ELSE 'pending' END,
           challenge_digits = NULL, lease_until_ms = NULL
       WHERE id = $1 AND state = 'verifying' RETURNING *`,
      [id, JSON.stringify(result), passed],
    );
    // Gone or expired while its verification ran (a lease that ran out): the late result is dropped.
    if (row && row.state !== 'pending') {
      await this.pool.query(`UPDATE capture_sessions SET ${FINAL} WHERE id = $1 AND state IN ('passed', 'failed') AND finished_ms IS NULL`, [id, nowMs]);
    } else if (row) {
      return toSession(row);
    }
    const [current] = await this.rows('SELECT * FROM capture_sessions WHERE id = $1', [id]);
    if (!current) throw new Error(`capture session ${id} was deleted during its verification`);
    return toSession(current);
  }

  async expireDue(nowMs: number): Promise<number> {
    return this.changes(
      `UPDATE capture_sessions SET state = 'expired', ${FINAL}
       WHERE expires_ms <= $1 AND (state = 'pending' OR (state = 'verifying' AND lease_until_ms < $1))`,
      [nowMs, nowMs],
    );
  }

  async claimCallbacks(nowMs: number, leaseMs: number, limit: number): Promise<CaptureSession[]> {
    const rows = await this.rows(
      `UPDATE capture_sessions SET callback_next_ms = $1 + $2, callback_attempts = callback_attempts + 1
       WHERE id IN (SELECT id FROM capture_sessions WHERE callback_state = 'pending' AND callback_next_ms <= $1
                    ORDER BY callback_next_ms LIMIT $3 FOR UPDATE SKIP LOCKED)
         AND callback_state = 'pending' AND callback_next_ms <= $1
       RETURNING *`,
      [nowMs, leaseMs, limit],
    );
    return rows.map(toSession);
  }

  async callbackDelivered(id: string): Promise<void> {
    await this.pool.query(`UPDATE capture_sessions SET callback_state = 'delivered', callback_next_ms = NULL, callback_error = NULL WHERE id = $1`, [id]);
  }

  async callbackFailed(id: string, error: string, nextMs: number | null): Promise<void> {
    await this.pool.query(
      `UPDATE capture_sessions SET callback_state = CASE WHEN $2::bigint IS NULL THEN 'failed' ELSE 'pending' END, callback_next_ms = $2, callback_error = $3
       WHERE id = $1`,
      [id, nextMs, error.slice(0, 500)],
    );
  }

  async purge(endedBeforeMs: number): Promise<number> {
    return this.changes(`DELETE FROM capture_sessions WHERE finished_ms < $1 AND callback_state != 'pending'`, [endedBeforeMs]);
  }
}
