import { randomInt } from 'node:crypto';
import type { ErrorName } from '../core/errors.js';
import type { Db } from '../store/db.js';

export type RedeemResult = { ok: true; id: number } | { ok: false; error: Extract<ErrorName, 'CHALLENGE_UNKNOWN' | 'CHALLENGE_EXPIRED' | 'CHALLENGE_USED'> };

/** Expired rows stay this long, so a late verification learns "expired", not "unknown". */
const KEEP_EXPIRED_MS = 3600_000;

interface PendingIssue {
  appid: string;
  digits: string;
  expiresMs: number;
  resolve: (digits: string) => void;
  reject: (err: unknown) => void;
}

/**
 * The lip-reading challenges issued by livegetfour. The legacy API has no session id, so a
 * verification names its challenge by (appid, validate_data); when an app holds several
 * live challenges with the same digits, the oldest is redeemed.
 */
export class ChallengeStore {
  private readonly stmts;
  private readonly insertBatch;
  private issuedSincePurge = 0;
  private pending: PendingIssue[] = [];

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
      // Looks only at the oldest rows (id order is issue order), so a purge costs the same
      // however many challenges are live.
      purge: db.prepare(`DELETE FROM challenges
        WHERE id IN (SELECT id FROM challenges ORDER BY id LIMIT 5000) AND expires_ms < ?`),
    };
    this.insertBatch = db.transaction((batch: PendingIssue[]) => {
      for (const p of batch) this.stmts.insert.run(p.appid, p.digits, p.expiresMs);
    });
  }

  /**
   * Issues a challenge. Inserts are group-committed: every issue of one event-loop turn goes
   * into one transaction, which cuts the WAL writes per challenge under load (livegetfour is
   * the hot path). The promise resolves after the commit, so the digits never reach a client
   * before they can be redeemed.
   */
  issue(appid: string, nowMs: number): Promise<string> {
    const digits = String(randomInt(0, 10_000)).padStart(4, '0');
    return new Promise((resolve, reject) => {
      this.pending.push({ appid, digits, expiresMs: nowMs + this.ttlSec * 1000, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush(nowMs));
    });
  }

  private flush(nowMs: number): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.insertBatch(batch);
      this.issuedSincePurge += batch.length;
      if (this.issuedSincePurge >= 1000) {
        this.issuedSincePurge = 0;
        this.stmts.purge.run(nowMs - KEEP_EXPIRED_MS);
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve(p.digits);
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
