import type pg from 'pg';
import { RECORD_COLUMNS, recordListing, recordValues, toRecord, type RecordRow } from '../rows.js';
import { PURGE_BATCH, type RecordQuery, type RecordRepository, type VerificationRecord } from '../types.js';

const INSERT = `INSERT INTO records (${RECORD_COLUMNS.join(', ')}) VALUES (${RECORD_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (request_id) DO UPDATE SET ${RECORD_COLUMNS.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;

export class PostgresRecords implements RecordRepository {
  constructor(private readonly pool: pg.Pool) {}

  async add(r: VerificationRecord): Promise<void> {
    await this.pool.query(INSERT, recordValues(r));
  }

  async purge(beforeMs: number, maxRows = 50_000): Promise<number> {
    let deleted = 0;
    while (deleted < maxRows) {
      const r = await this.pool.query(
        `DELETE FROM records WHERE request_id IN (SELECT request_id FROM records WHERE received_ms < $1 ORDER BY received_ms LIMIT ${PURGE_BATCH})`,
        [beforeMs],
      );
      const n = r.rowCount ?? 0;
      deleted += n;
      if (n < PURGE_BATCH) break;
    }
    return deleted;
  }

  async list(q: RecordQuery = {}): Promise<VerificationRecord[]> {
    const { sql, args } = recordListing(q, (n) => `$${n}`);
    return (await this.pool.query<RecordRow>(sql, args)).rows.map(toRecord);
  }
}
