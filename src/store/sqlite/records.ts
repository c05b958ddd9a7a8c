import { RECORD_COLUMNS, recordListing, recordValues, toRecord, type RecordRow } from '../rows.js';
import { PURGE_BATCH, type RecordQuery, type RecordRepository, type VerificationRecord } from '../types.js';
import type { Db } from './database.js';

export class SqliteRecords implements RecordRepository {
  private readonly insertStmt;
  private readonly purgeStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`INSERT OR REPLACE INTO records (${RECORD_COLUMNS.join(', ')}) VALUES (${RECORD_COLUMNS.map(() => '?').join(', ')})`);
    this.purgeStmt = db.prepare(`DELETE FROM records WHERE rowid IN
      (SELECT rowid FROM records WHERE received_ms < ? ORDER BY received_ms LIMIT ${PURGE_BATCH})`);
  }

  async add(r: VerificationRecord): Promise<void> {
    this.insertStmt.run(...recordValues(r));
  }

  async purge(beforeMs: number, maxRows = 50_000): Promise<number> {
    let deleted = 0;
    while (deleted < maxRows) {
      const n = this.purgeStmt.run(beforeMs).changes;
      deleted += n;
      if (n < PURGE_BATCH) break;
    }
    return deleted;
  }

  async list(q: RecordQuery = {}): Promise<VerificationRecord[]> {
    const { sql, args } = recordListing(q, () => '?');
    return this.db
      .prepare<(string | number)[], RecordRow>(sql)
      .all(...args)
      .map(toRecord);
  }
}
