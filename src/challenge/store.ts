import { randomInt } from 'node:crypto';
import type { ErrorName } from '../core/errors.js';
import type { Db } from '../store/db.js';

export type RedeemResult = { ok: true; id: number } | { ok: false; error: Extract<ErrorName, 'CHALLENGE_UNKNOWN' | 'CHALLENGE_EXPIRED' | 'CHALLENGE_USED'> };

/** Four digits: the whole space of challenge values of one app. */
export const CHALLENGE_VALUES = 10_000;
/** Random draws before listing the free values: enough while at most ~90% are held. */
const DRAWS = 32;

interface PendingIssue {
  appid: string;
  expiresMs: number;
  digits: string | null;
  resolve: (digits: string | null) => void;
  reject: (err: unknown) => void;
}

/**
 * The lip-reading challenges issued by livegetfour. The legacy API has no session id, so a
 * verification names its challenge by (appid, validate_data). A value is therefore never issued
 * to an app while it is held: live (unused, unexpired) or used or expired less than
 * `keepSec` ago. Otherwise one recorded reading of "NNNN" could be redeemed against every
 * challenge with those digits that is live for the app. Held rows also tell a late client
 * "used" / "expired" rather than "unknown". Capacity per app: 10,000 held values, so at most
 * 10,000 / (ttlSec + keepSec) issues per second over time (docs/api.md).
 */
export class ChallengeStore {
  private readonly stmts;
  private readonly issueBatch;
  private issuedSincePurge = 0;
  private pending: PendingIssue[] = [];

  constructor(
    db: Db,
    private readonly ttlSec: number,
    private readonly keepSec: number,
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
    // A row holds its value until (used or expired) + keep: `coalesce(used_ms, expires_ms) > @since`.
    this.stmts = {
      insert: db.prepare('INSERT INTO challenges (appid, digits, expires_ms) VALUES (?, ?, ?)'),
      held: db.prepare<[string, string, number], { one: number }>(
        'SELECT 1 AS one FROM challenges WHERE appid = ? AND digits = ? AND coalesce(used_ms, expires_ms) > ? LIMIT 1',
      ),
      allHeld: db.prepare<[string, number], { digits: string }>('SELECT DISTINCT digits FROM challenges WHERE appid = ? AND coalesce(used_ms, expires_ms) > ?'),
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
      // however many challenges are held.
      purge: db.prepare(`DELETE FROM challenges
        WHERE id IN (SELECT id FROM challenges ORDER BY id LIMIT 5000) AND coalesce(used_ms, expires_ms) <= ?`),
    };
    this.issueBatch = db.transaction((batch: PendingIssue[], nowMs: number) => {
      const free = new Map<string, string[]>();
      for (const p of batch) {
        p.digits = this.pick(p.appid, nowMs, free);
        if (p.digits !== null) this.stmts.insert.run(p.appid, p.digits, p.expiresMs);
      }
    });
  }

  /**
   * Issues a challenge, or null when every value is held for this app. Issues are
   * group-committed: every issue of one event-loop turn goes into one transaction, which cuts
   * the WAL writes per challenge under load (livegetfour is the hot path); the transaction is
   * IMMEDIATE so processes sharing the database cannot pick the same value. The promise
   * resolves after the commit, so the digits never reach a client before they can be redeemed.
   */
  issue(appid: string, nowMs: number): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.pending.push({ appid, expiresMs: nowMs + this.ttlSec * 1000, digits: null, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush(nowMs));
    });
  }

  /**
   * A value not held for `appid`, uniformly among the free ones; null when none is free. Random
   * draws first; when they keep hitting held values, the free values are listed once per batch
   * (`listed`) and drawn from.
   */
  private pick(appid: string, nowMs: number, listed: Map<string, string[]>): string | null {
    const since = nowMs - this.keepSec * 1000;
    let free = listed.get(appid);
    if (!free) {
      for (let i = 0; i < DRAWS; i++) {
        const digits = String(randomInt(0, CHALLENGE_VALUES)).padStart(4, '0');
        if (!this.stmts.held.get(appid, digits, since)) return digits;
      }
      const held = new Set(this.stmts.allHeld.all(appid, since).map((r) => r.digits));
      free = [];
      for (let v = 0; v < CHALLENGE_VALUES; v++) {
        const digits = String(v).padStart(4, '0');
        if (!held.has(digits)) free.push(digits);
      }
      listed.set(appid, free);
    }
    if (free.length === 0) return null;
    const i = randomInt(0, free.length);
    const digits = free[i];
    free[i] = free[free.length - 1];
    free.pop();
    return digits;
  }

  private flush(nowMs: number): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.issueBatch.immediate(batch, nowMs);
      this.issuedSincePurge += batch.length;
      if (this.issuedSincePurge >= 1000) this.purge(nowMs);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve(p.digits);
  }

  /** Deletes (a bounded number of) rows whose value is no longer held. */
  purge(nowMs: number): void {
    this.issuedSincePurge = 0;
    this.stmts.purge.run(nowMs - this.keepSec * 1000);
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
