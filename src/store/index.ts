export { openDatabase, type Db } from './db.js';
export { RecordStore, type RecordQuery, type VerificationRecord } from './records.js';
export { SessionStore, type SessionRepository, type CaptureSession, type NewSession, type SessionState, type CompareKind } from './sessions.js';
