import type { AppRecord, CallbackState, CaptureSession, CompareKind, IdentityRecord, KeyRecord, RecordQuery, SessionState, VerificationRecord } from './types.js';

/**
 * Rows as both databases return them (same column names; PostgreSQL's BIGINT columns are read
 * as numbers, see postgres/pool.ts) and their mapping to the repository types, shared by the
 * two implementations so they cannot drift apart.
 */

export interface AppRow {
  appid: string;
  /** SQLite: 0/1; PostgreSQL: boolean. */
  enabled: number | boolean;
  services: string;
  rate_limit: number | null;
  created_ms: number;
}

export interface KeyRow {
  secret_id: string;
  appid: string;
  secret_sealed: Buffer;
  created_ms: number;
  revoked_ms: number | null;
}

export interface IdentityRow {
  number: string;
  name: string;
  model: string;
  embedding: string;
  photo_file: string | null;
  enrolled_at: number;
}

export interface RecordRow {
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

export interface SessionRow {
  id: string;
  token_hash: string;
  appid: string;
  secret_id: string;
  lang: string;
  compare: CompareKind;
  reference: string | null;
  redirect_url: string | null;
  callback_url: string | null;
  seq: string | null;
  max_attempts: number;
  created_ms: number;
  expires_ms: number;
  state: SessionState;
  attempts_used: number;
  challenges_issued: number;
  challenge_digits: string | null;
  lease_until_ms: number | null;
  finished_ms: number | null;
  result: string | null;
  callback_state: CallbackState;
  callback_attempts: number;
  callback_next_ms: number | null;
  callback_error: string | null;
}

export function toApp(row: AppRow): AppRecord {
  return {
    appid: row.appid,
    enabled: row.enabled === true || row.enabled === 1,
    services: JSON.parse(row.services) as string[],
    rateLimitPerMinute: row.rate_limit,
    createdMs: row.created_ms,
  };
}

export function toKey(row: KeyRow): KeyRecord {
  return { secretId: row.secret_id, appid: row.appid, sealed: row.secret_sealed, createdMs: row.created_ms, revokedMs: row.revoked_ms };
}

export function toIdentity(row: IdentityRow): IdentityRecord {
  return {
    number: row.number,
    name: row.name,
    model: row.model,
    embedding: JSON.parse(row.embedding) as number[],
    photoFile: row.photo_file,
    enrolledMs: row.enrolled_at,
  };
}

/**
 * The records listing as SQL for either database: `param(n)` names the n-th parameter ("?" for
 * SQLite, "$n" for PostgreSQL).
 */
export function recordListing(q: RecordQuery, param: (n: number) => string): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.appid !== undefined) {
    args.push(q.appid);
    where.push(`appid = ${param(args.length)}`);
  }
  if (q.sinceMs !== undefined) {
    args.push(q.sinceMs);
    where.push(`received_ms >= ${param(args.length)}`);
  }
  args.push(q.limit ?? 1000);
  const sql = `SELECT * FROM records ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY received_ms, request_id LIMIT ${param(args.length)}`;
  return { sql, args };
}

/** Column values of a records row, in the order of RECORD_COLUMNS. */
export const RECORD_COLUMNS = ['request_id', 'appid', 'endpoint', 'received_ms', 'finished_ms', 'code', 'live_status', 'compare_status', 'score', 'timings', 'checks', 'message'] as const;

export function recordValues(r: VerificationRecord): (string | number | null)[] {
  return [r.requestId, r.appid, r.endpoint, r.receivedAt, r.finishedAt, r.code, r.liveStatus, r.compareStatus, r.score, JSON.stringify(r.timingsMs), JSON.stringify(r.checks), r.message];
}

export function toRecord(row: RecordRow): VerificationRecord {
  return {
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
  };
}

export function toSession(r: SessionRow): CaptureSession {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    appid: r.appid,
    secretId: r.secret_id,
    lang: r.lang,
    compare: r.compare,
    reference: r.reference === null ? null : (JSON.parse(r.reference) as unknown),
    redirectUrl: r.redirect_url,
    callbackUrl: r.callback_url,
    seq: r.seq,
    maxAttempts: r.max_attempts,
    createdMs: r.created_ms,
    expiresMs: r.expires_ms,
    state: r.state,
    attemptsUsed: r.attempts_used,
    challengesIssued: r.challenges_issued,
    challengeDigits: r.challenge_digits,
    leaseUntilMs: r.lease_until_ms,
    finishedMs: r.finished_ms,
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    callbackState: r.callback_state,
    callbackAttempts: r.callback_attempts,
    callbackNextMs: r.callback_next_ms,
    callbackError: r.callback_error,
  };
}

/** Why an attempt that did not start was refused, from the session's current row. */
export function attemptRefusal(s: SessionRow | undefined, nowMs: number): 'expired' | 'closed' | 'busy' {
  if (!s || s.state === 'passed' || s.state === 'failed' || s.attempts_used >= s.max_attempts) return 'closed';
  if (s.state === 'expired' || s.expires_ms <= nowMs) return 'expired';
  return 'busy';
}
