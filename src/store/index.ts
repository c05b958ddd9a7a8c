export { openDatabase, type Db } from './db.js';
export { RecordStore, type RecordQuery, type VerificationRecord } from './records.js';
