import type { Db } from '../store/db.js';

/**
 * Remembers single-use signatures. `claim` is one INSERT against a primary key, so when
 * several requests (or several server processes on one data dir) present the same token at
 * once, SQLite lets exactly one insert succeed.
 */
export class ReplayStore {
  private readonly insert;
  private readonly purge;
  private claimsSincePurge = 0;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS used_signatures (
      mac BLOB PRIMARY KEY,
      forget_after_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS used_signatures_forget ON used_signatures(forget_after_ms)`);
    this.insert = db.prepare('INSERT OR IGNORE INTO used_signatures (mac, forget_after_ms) VALUES (?, ?)');
    this.purge = db.prepare('DELETE FROM used_signatures WHERE forget_after_ms < ?');
  }

  /**
   * True the first time a token is seen. `forgetAfterMs` is when the token would be refused
   * as expired anyway, after which its row is no longer needed.
   */
  claim(mac: Buffer, forgetAfterMs: number, nowMs: number): boolean {
    if (++this.claimsSincePurge >= 1000) {
      this.claimsSincePurge = 0;
      this.purge.run(nowMs);
    }
    return this.insert.run(mac, forgetAfterMs).changes === 1;
  }
}
