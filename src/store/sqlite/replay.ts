import type { ReplayRepository } from '../types.js';
import type { Db } from './database.js';

/** One INSERT against the primary key: of concurrent claims (threads or processes) exactly one inserts. */
export class SqliteReplay implements ReplayRepository {
  private readonly insert;
  private readonly purgeStmt;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO used_signatures (mac, forget_after_ms) VALUES (?, ?)');
    this.purgeStmt = db.prepare('DELETE FROM used_signatures WHERE forget_after_ms < ?');
  }

  async claim(mac: Buffer, forgetAfterMs: number): Promise<boolean> {
    return this.insert.run(mac, forgetAfterMs).changes === 1;
  }

  async purge(nowMs: number): Promise<number> {
    return this.purgeStmt.run(nowMs).changes;
  }
}
