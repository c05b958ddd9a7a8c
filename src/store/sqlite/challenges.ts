import { ValuePicker } from '../challenge-values.js';
import type { ChallengeRedeem, ChallengeRepository } from '../types.js';
import type { Db } from './database.js';

interface PendingIssue {
  appid: string;
  nowMs: number;
  expiresMs: number;
  keepMs: number;
  resolve: (digits: string | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Challenges in SQLite. Issues are group-committed: every issue of one event-loop turn goes into
 * one IMMEDIATE transaction, which cuts the WAL commits per challenge under load (livegetfour is
 * the hot path) and keeps processes sharing the file from interleaving; each issue resolves
 * after the commit, so digits never reach a client before they can be redeemed.
 */
export class SqliteChallenges implements ChallengeRepository {
  private readonly stmts;
  private readonly issueBatch;
  private pending: PendingIssue[] = [];

  constructor(db: Db) {
    this.stmts = {
      // Inserts the value, or takes over its row when the value is free again; no row back: held.
      take: db.prepare<[{ appid: string; digits: string; expires: number; free: number; now: number }], { id: number }>(`
        INSERT INTO challenges (appid, digits, expires_ms, used_ms, free_after_ms) VALUES (@appid, @digits, @expires, NULL, @free)
        ON CONFLICT (appid, digits) DO UPDATE SET expires_ms = excluded.expires_ms, used_ms = NULL, free_after_ms = excluded.free_after_ms
        WHERE challenges.free_after_ms <= @now
        RETURNING id`),
      held: db.prepare<[string, number], { digits: string }>('SELECT digits FROM challenges WHERE appid = ? AND free_after_ms > ?'),
      redeem: db.prepare<[{ now: number; keep: number; appid: string; digits: string }], { id: number }>(`
        UPDATE challenges SET used_ms = @now, free_after_ms = @now + @keep
        WHERE appid = @appid AND digits = @digits AND used_ms IS NULL AND expires_ms > @now
        RETURNING id`),
      why: db.prepare<[string, string], { used_ms: number | null }>('SELECT used_ms FROM challenges WHERE appid = ? AND digits = ?'),
      release: db.prepare('UPDATE challenges SET used_ms = NULL, free_after_ms = expires_ms + ? WHERE id = ? AND used_ms IS NOT NULL'),
      purge: db.prepare('DELETE FROM challenges WHERE id IN (SELECT id FROM challenges WHERE free_after_ms <= ? LIMIT 5000)'),
    };
    this.issueBatch = db.transaction((batch: PendingIssue[]) => {
      const picker = new ValuePicker();
      return batch.map((p) => this.pick(picker, p));
    });
  }

  issue(appid: string, nowMs: number, expiresMs: number, keepMs: number): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.pending.push({ appid, nowMs, expiresMs, keepMs, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private pick(picker: ValuePicker, p: PendingIssue): string | null {
    for (let attempt = 0; ; attempt++) {
      let digits = picker.candidate(p.appid, attempt);
      if (digits === undefined) {
        picker.setHeld(p.appid, this.stmts.held.all(p.appid, p.nowMs).map((r) => r.digits));
        digits = picker.candidate(p.appid, attempt);
      }
      if (digits === null || digits === undefined) return null;
      if (this.stmts.take.get({ appid: p.appid, digits, expires: p.expiresMs, free: p.expiresMs + p.keepMs, now: p.nowMs })) return digits;
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    let issued: (string | null)[];
    try {
      issued = this.issueBatch.immediate(batch);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(issued[i]));
  }

  async redeem(appid: string, digits: string, nowMs: number, keepMs: number): Promise<ChallengeRedeem> {
    const row = this.stmts.redeem.get({ now: nowMs, keep: keepMs, appid, digits });
    if (row) return { ok: true, id: row.id };
    const why = this.stmts.why.get(appid, digits);
    if (!why) return { ok: false, why: 'unknown' };
    return { ok: false, why: why.used_ms === null ? 'expired' : 'used' };
  }

  async release(id: number, keepMs: number): Promise<void> {
    this.stmts.release.run(keepMs, id);
  }

  async purge(nowMs: number): Promise<number> {
    return this.stmts.purge.run(nowMs).changes;
  }
}
