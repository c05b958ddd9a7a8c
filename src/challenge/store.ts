import { randomInt } from 'node:crypto';
import type { ErrorName } from '../core/errors.js';
import type { Db } from '../store/db.js';

export type RedeemResult = { ok: true; id: number } | { ok: false; error: Extract<ErrorName, 'CHALLENGE_UNKNOWN' | 'CHALLENGE_EXPIRED' | 'CHALLENGE_USED'> };

/**
 * The lip-reading challenges issued by livegetfour. The legacy API has no session id, so a
 * verification names its challenge by (appid, validate_data); when an app holds several
 * live challenges with the same digits, the oldest is redeemed.
 */
export class ChallengeStore {
  private readonly stmts;
  private issuedSincePurge = 0;

  constructor(
    db: Db,
    private readonly ttlSec: number,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS challenges (
        id INTEGER PRIMARY KEY,
        appid TEXT NOT NULL,
        digits TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS challenges_lookup ON challenges(appid, digits, id);
    `);
    this.stmts = {
      insert: db.prepare('INSERT INTO challenges (appid, digits, expires_ms) VALUES (?, ?, ?)'),
      // One statement: concurrent redeemers (threads or processes) cannot both see used_ms IS NULL.
      redeem: db.prepare<[{ now: number; appid: string; digits: string }], { id: number }>(`
        UPDATE challenges SET used_ms = @now
        WHERE id = (SELECT id FROM challenges
                    WHERE appid = @appid AND digits = @digits AND used_ms IS NULL AND expires_ms > @now
                    ORDER BY id LIMIT 1)
          AND used_ms IS NULL
        RETURNING id`),
      why: db.prepare<[string, string], { used: number }>(
        'SELECT max(used_ms IS NOT NULL) AS used FROM challenges WHERE appid = ? AND digits = ? HAVING count(*) > 0',
      ),
      release: db.prepare('UPDATE challenges SET used_ms = NULL WHERE id = ?'),
      // Rows stay a day past expiry so a late verification still learns "expired", not "unknown".
      purge: db.prepare('DELETE FROM challenges WHERE expires_ms < ?'),
    };
  }

  issue(appid: string, nowMs: number): string {
    if (++this.issuedSincePurge >= 1000) {
      this.issuedSincePurge = 0;
      this.stmts.purge.run(nowMs - 24 * 3600 * 1000);
    }
    const digits = String(randomInt(0, 10_000)).padStart(4, '0');
    this.stmts.insert.run(appid, digits, nowMs + this.ttlSec * 1000);
    return digits;
  }

  redeem(appid: string, digits: string, nowMs: number): RedeemResult {
    const row = this.stmts.redeem.get({ now: nowMs, appid, digits });
    if (row) return { ok: true, id: row.id };
    const why = this.stmts.why.get(appid, digits);
    if (!why) return { ok: false, error: 'CHALLENGE_UNKNOWN' };
    return { ok: false, error: why.used ? 'CHALLENGE_USED' : 'CHALLENGE_EXPIRED' };
  }

  /** Gives a redeemed challenge back when the verification could not run (server busy). */
  release(id: number): void {
    this.stmts.release.run(id);
  }
}
