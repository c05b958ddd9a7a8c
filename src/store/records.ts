import type { Db } from './db.js';

/** One authenticated verification request, kept whatever its outcome (SPEC: no video, photo or template). */
export interface VerificationRecord {
  requestId: string;
  appid: string | null;
  endpoint: string;
  receivedAt: number;
  finishedAt: number;
  /** Envelope code (0 when the request was processed). */
  code: number;
  liveStatus: number | null;
  compareStatus: number | null;
  /** sim / similarity / score, whichever the endpoint returns. */
  score: number | null;
  timingsMs: Record<string, number>;
  /** Per-check name -> score/passed, from the inference result. */
  checks: unknown[];
  message: string;
}

export interface RecordQuery {
  appid?: string;
  sinceMs?: number;
  limit?: number;
}

interface RecordRow {
  request_id: string;
  appid: string | null;
  endpoint: string;
  received_ms: number;
  finished_ms: number;
  code: number;
  live_status: number | null;
  compare_status: number | null;
  score: number | null;
  timings: string;
  checks: string;
  message: string;
}

const PURGE_BATCH = 5000;

export class RecordStore {
  private readonly insertStmt;
  private readonly purgeStmt;
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        request_id TEXT PRIMARY KEY,
        appid TEXT,
        endpoint TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
        finished_ms INTEGER NOT NULL,
        code INTEGER NOT NULL,
        live_status INTEGER,
        compare_status INTEGER,
        score REAL,
        timings TEXT NOT NULL,
        checks TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS records_appid_time ON records(appid, received_ms);
      CREATE INDEX IF NOT EXISTS records_time ON records(received_ms);
    `);
    this.insertStmt = db.prepare(`INSERT OR REPLACE INTO records
      (request_id, appid, endpoint, received_ms, finished_ms, code, live_status, compare_status, score, timings, checks, message)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.purgeStmt = db.prepare(`DELETE FROM records WHERE rowid IN
      (SELECT rowid FROM records WHERE received_ms < ? ORDER BY received_ms LIMIT ${PURGE_BATCH})`);
  }

  add(r: VerificationRecord): void {
    this.insertStmt.run(
      r.requestId,
      r.appid,
      r.endpoint,
      r.receivedAt,
      r.finishedAt,
      r.code,
      r.liveStatus,
      r.compareStatus,
      r.score,
      JSON.stringify(r.timingsMs),
      JSON.stringify(r.checks),
      r.message,
    );
  }

  /**
   * Deletes records received before `beforeMs`, at most `maxRows` in batches of 5000 (so a first
   * purge of a large table does not hold the write lock for long); returns how many went.
   */
  purge(beforeMs: number, maxRows = 50_000): number {
    let deleted = 0;
    while (deleted < maxRows) {
      const n = this.purgeStmt.run(beforeMs).changes;
      deleted += n;
      if (n < PURGE_BATCH) break;
    }
    return deleted;
  }

  list(q: RecordQuery = {}): VerificationRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.appid !== undefined) {
      where.push('appid = ?');
      args.push(q.appid);
    }
    if (q.sinceMs !== undefined) {
      where.push('received_ms >= ?');
      args.push(q.sinceMs);
    }
    args.push(q.limit ?? 1000);
    const sql = `SELECT * FROM records ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY received_ms, request_id LIMIT ?`;
    return this.db
      .prepare<(string | number)[], RecordRow>(sql)
      .all(...args)
      .map((row) => ({
        requestId: row.request_id,
        appid: row.appid,
        endpoint: row.endpoint,
        receivedAt: row.received_ms,
        finishedAt: row.finished_ms,
        code: row.code,
        liveStatus: row.live_status,
        compareStatus: row.compare_status,
        score: row.score,
        timingsMs: JSON.parse(row.timings) as Record<string, number>,
        checks: JSON.parse(row.checks) as unknown[],
        message: row.message,
      }));
  }
}
