/**
 * The repositories: every table the service keeps, behind one interface each. Two
 * implementations share these interfaces and one contract suite (contract.test.ts): embedded
 * SQLite (src/store/sqlite, the default) and PostgreSQL (src/store/postgres, for several
 * replicas). Nothing outside src/store writes SQL.
 */

export interface AppRecord {
  appid: string;
  enabled: boolean;
  /** Endpoint names the app may call (src/auth/services.ts). */
  services: string[];
  /** Requests per minute; null: the server default applies; 0: unlimited. */
  rateLimitPerMinute: number | null;
  createdMs: number;
}

export interface KeyRecord {
  secretId: string;
  appid: string;
  /** The SecretKey sealed under the master key (src/auth/secretbox.ts); never stored in clear. */
  sealed: Buffer;
  createdMs: number;
  revokedMs: number | null;
}

export type KeySummary = Omit<KeyRecord, 'sealed'>;

/** Apps and their key pairs. */
export interface AppRepository {
  getApp(appid: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  countApps(): Promise<number>;
  /** The app and its first key together, or neither. */
  createApp(app: AppRecord, key: KeyRecord): Promise<'created' | 'appid-taken' | 'secret-id-taken'>;
  addKey(key: KeyRecord): Promise<'created' | 'no-such-app' | 'secret-id-taken'>;
  getKey(secretId: string): Promise<KeyRecord | undefined>;
  listKeys(): Promise<KeySummary[]>;
  /** False when the key does not exist or is already revoked. */
  revokeKey(secretId: string, nowMs: number): Promise<boolean>;
  setEnabled(appid: string, enabled: boolean): Promise<boolean>;
}

/** Single-use signatures already presented (SPEC code 13). */
export interface ReplayRepository {
  /**
   * True for the first claim of `mac`, false for every later one, also when several claims
   * arrive at once from several processes. The row may go after `forgetAfterMs`.
   */
  claim(mac: Buffer, forgetAfterMs: number): Promise<boolean>;
  /** Deletes rows whose forget time has passed; returns how many. */
  purge(nowMs: number): Promise<number>;
}

export type ChallengeRedeem = { ok: true; id: number } | { ok: false; why: 'unknown' | 'expired' | 'used' };

/**
 * livegetfour's challenges: one row per (appid, value). A value is held while live (issued,
 * unused, unexpired) and for `keepMs` after its use or expiry; a held value is never issued
 * again to the same app.
 */
export interface ChallengeRepository {
  /** A value not held for `appid`, chosen at random among the free ones; null when none is free. */
  issue(appid: string, nowMs: number, expiresMs: number, keepMs: number): Promise<string | null>;
  /** Marks the live challenge (appid, digits) used; exactly one of concurrent redeemers wins. */
  redeem(appid: string, digits: string, nowMs: number, keepMs: number): Promise<ChallengeRedeem>;
  /** Makes a redeemed challenge live again (the verification could not run). */
  release(id: number, keepMs: number): Promise<void>;
  /** Deletes (a bounded number of) rows that no longer hold their value; returns how many. */
  purge(nowMs: number): Promise<number>;
}

export interface IdentityRecord {
  number: string;
  name: string;
  model: string;
  embedding: number[];
  /** File name under <dataDir>/identity-photos when retention kept the photo. */
  photoFile: string | null;
  enrolledMs: number;
}

/** The operator's identity registry (ID number -> name and face template). */
export interface IdentityRepository {
  get(number: string): Promise<IdentityRecord | undefined>;
  /** Inserts or replaces the record of `r.number`. */
  put(r: IdentityRecord): Promise<void>;
  list(): Promise<IdentityRecord[]>;
  remove(number: string): Promise<boolean>;
}

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

/** Rows deleted by one purge statement, so a first purge of a large table holds no lock for long. */
export const PURGE_BATCH = 5000;

export interface RecordRepository {
  /** Inserts the record, or replaces the row of the same request id. */
  add(r: VerificationRecord): Promise<void>;
  /** Oldest first. */
  list(q?: RecordQuery): Promise<VerificationRecord[]>;
  /** Deletes records received before `beforeMs`, at most `maxRows`, PURGE_BATCH at a time; returns how many. */
  purge(beforeMs: number, maxRows?: number): Promise<number>;
}

/**
 * pending: waiting for a video; verifying: one is being verified; passed / failed (attempts
 * used) / expired (token lifetime over): final.
 */
export type SessionState = 'pending' | 'verifying' | 'passed' | 'failed' | 'expired';
export type CallbackState = 'none' | 'pending' | 'delivered' | 'failed';
export type CompareKind = 'none' | 'card' | 'idcard';

export interface NewSession {
  id: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  tokenHash: string;
  appid: string;
  /** The key that signed the creation; callbacks are signed with it. */
  secretId: string;
  lang: string;
  compare: CompareKind;
  /** Face template of the card photo or of the registry's ID; dropped when the session ends. */
  reference: unknown;
  redirectUrl: string | null;
  callbackUrl: string | null;
  seq: string | null;
  maxAttempts: number;
  createdMs: number;
  expiresMs: number;
}

export interface CaptureSession extends NewSession {
  state: SessionState;
  attemptsUsed: number;
  challengesIssued: number;
  challengeDigits: string | null;
  /** While verifying: when the verification's hold on the session runs out. */
  leaseUntilMs: number | null;
  finishedMs: number | null;
  /** The latest verified attempt's answer data (livedetectfour fields and details). */
  result: Record<string, unknown> | null;
  callbackState: CallbackState;
  callbackAttempts: number;
  callbackNextMs: number | null;
  callbackError: string | null;
}

/** Why an attempt could not start. */
export type AttemptRefusal = 'expired' | 'closed' | 'busy';

/**
 * The capture sessions table. Every state change is one conditional UPDATE, so concurrent
 * requests (or server processes sharing the database) cannot both start an attempt, finish a
 * session twice or deliver one callback twice.
 */
export interface SessionRepository {
  create(s: NewSession): Promise<void>;
  byTokenHash(tokenHash: string): Promise<CaptureSession | undefined>;
  byId(appid: string, id: string): Promise<CaptureSession | undefined>;
  /** Records the digits of the next attempt; false when the session cannot take more. */
  setChallenge(id: string, digits: string, nowMs: number, maxChallenges: number): Promise<boolean>;
  beginAttempt(id: string, nowMs: number, leaseMs: number): Promise<{ ok: true; session: CaptureSession } | { ok: false; why: AttemptRefusal }>;
  /** The attempt produced no verification (busy workers, broken upload): it is given back. */
  abandonAttempt(id: string): Promise<void>;
  finishAttempt(id: string, nowMs: number, result: Record<string, unknown>, passed: boolean): Promise<CaptureSession>;
  /** Pending sessions past their lifetime become expired; returns how many. */
  expireDue(nowMs: number): Promise<number>;
  /** Due callbacks, each leased for leaseMs so no other process sends it meanwhile. */
  claimCallbacks(nowMs: number, leaseMs: number, limit: number): Promise<CaptureSession[]>;
  callbackDelivered(id: string): Promise<void>;
  callbackFailed(id: string, error: string, nextMs: number | null): Promise<void>;
  /** Deletes sessions that ended before `endedBeforeMs` and have no callback left to send. */
  purge(endedBeforeMs: number): Promise<number>;
}

/** Everything the service keeps, in one database. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly apps: AppRepository;
  readonly replay: ReplayRepository;
  readonly challenges: ChallengeRepository;
  readonly identities: IdentityRepository;
  readonly records: RecordRepository;
  readonly sessions: SessionRepository;
  /** Resolves when the database answers a trivial query (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
