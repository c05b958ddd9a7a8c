import type pg from 'pg';
import { ValuePicker } from '../challenge-values.js';
import type { ChallengeRedeem, ChallengeRepository } from '../types.js';

/**
 * Challenges in PostgreSQL, shared by every API replica. Taking a value is one conditional
 * upsert on the (appid, digits) unique key, so two replicas can never both hold one value;
 * redeeming is one UPDATE ... RETURNING, so exactly one of concurrent redeemers gets the row.
 */
export class PostgresChallenges implements ChallengeRepository {
  constructor(private readonly pool: pg.Pool) {}

  async issue(appid: string, nowMs: number, expiresMs: number, keepMs: number): Promise<string | null> {
    const picker = new ValuePicker();
    for (let attempt = 0; ; attempt++) {
      let digits = picker.candidate(appid, attempt);
      if (digits === undefined) {
        const held = await this.pool.query<{ digits: string }>('SELECT digits FROM challenges WHERE appid = $1 AND free_after_ms > $2', [appid, nowMs]);
        picker.setHeld(appid, held.rows.map((r) => r.digits));
        digits = picker.candidate(appid, attempt);
      }
      if (digits === null || digits === undefined) return null;
      const taken = await this.pool.query(
        `INSERT INTO challenges AS c (appid, digits, expires_ms, used_ms, free_after_ms) VALUES ($1, $2, $3, NULL, $4)
         ON CONFLICT (appid, digits) DO UPDATE SET expires_ms = EXCLUDED.expires_ms, used_ms = NULL, free_after_ms = EXCLUDED.free_after_ms
         WHERE c.free_after_ms <= $5
         RETURNING id`,
        [appid, digits, expiresMs, expiresMs + keepMs, nowMs],
      );
      if (taken.rowCount === 1) return digits;
    }
  }

  async redeem(appid: string, digits: string, nowMs: number, keepMs: number): Promise<ChallengeRedeem> {
    const { rows } = await this.pool.query<{ id: number }>(
      `UPDATE challenges SET used_ms = $1, free_after_ms = $1 + $2
       WHERE appid = $3 AND digits = $4 AND used_ms IS NULL AND expires_ms > $1
       RETURNING id`,
      [nowMs, keepMs, appid, digits],
    );
    if (rows[0]) return { ok: true, id: rows[0].id };
    const why = await this.pool.query<{ used_ms: number | null }>('SELECT used_ms FROM challenges WHERE appid = $1 AND digits = $2', [appid, digits]);
    if (!why.rows[0]) return { ok: false, why: 'unknown' };
    return { ok: false, why: why.rows[0].used_ms === null ? 'expired' : 'used' };
  }

  async release(id: number, keepMs: number): Promise<void> {
    await this.pool.query('UPDATE challenges SET used_ms = NULL, free_after_ms = expires_ms + $1 WHERE id = $2 AND used_ms IS NOT NULL', [keepMs, id]);
  }

  async purge(nowMs: number): Promise<number> {
    const r = await this.pool.query('DELETE FROM challenges WHERE id IN (SELECT id FROM challenges WHERE free_after_ms <= $1 LIMIT 5000)', [nowMs]);
    return r.rowCount ?? 0;
  }
}
