import type { Db } from './database.js';

/**
 * The embedded schema, one step per version, applied in order when the database opens and
 * recorded in schema_migrations. Version 1 is the schema every data directory had before
 * migrations existed (each statement IF NOT EXISTS, so such a database passes through it
 * unchanged); later versions change it.
 */
export const SQLITE_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'tables of livecheck 0.1',
    sql: `
      CREATE TABLE IF NOT EXISTS apps (
        appid TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL DEFAULT 1,
        services TEXT NOT NULL,
        rate_limit INTEGER,
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS app_keys (
        secret_id TEXT PRIMARY KEY,
        appid TEXT NOT NULL REFERENCES apps(appid),
        secret_sealed BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        revoked_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS app_keys_appid ON app_keys(appid);
      CREATE TABLE IF NOT EXISTS used_signatures (
        mac BLOB PRIMARY KEY,
        forget_after_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS used_signatures_forget ON used_signatures(forget_after_ms);
      CREATE TABLE IF NOT EXISTS challenges (
        id INTEGER PRIMARY KEY,
        appid TEXT NOT NULL,
        digits TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS challenges_lookup ON challenges(appid, digits, id);
      CREATE TABLE IF NOT EXISTS identities (
        number TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        model TEXT NOT NULL,
        embedding TEXT NOT NULL,
        photo_file TEXT,
        enrolled_at INTEGER NOT NULL
      );
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
      CREATE TABLE IF NOT EXISTS capture_sessions (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        appid TEXT NOT NULL,
        secret_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        compare TEXT NOT NULL,
        reference TEXT,
        redirect_url TEXT,
        callback_url TEXT,
        seq TEXT,
        max_attempts INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts_used INTEGER NOT NULL DEFAULT 0,
        challenges_issued INTEGER NOT NULL DEFAULT 0,
        challenge_digits TEXT,
        lease_until_ms INTEGER,
        finished_ms INTEGER,
        result TEXT,
        callback_state TEXT NOT NULL DEFAULT 'none',
        callback_attempts INTEGER NOT NULL DEFAULT 0,
        callback_next_ms INTEGER,
        callback_error TEXT
      );
      CREATE INDEX IF NOT EXISTS capture_sessions_open ON capture_sessions(state, expires_ms);
      CREATE INDEX IF NOT EXISTS capture_sessions_callbacks ON capture_sessions(callback_state, callback_next_ms);
      CREATE INDEX IF NOT EXISTS capture_sessions_finished ON capture_sessions(finished_ms);
    `,
  },
  {
    // One row per (appid, value), reused once the value is free: issuing is one conditional
    // upsert, atomic without a lock (the same statement as on PostgreSQL). Of duplicate rows
    // (possible before issue 10) the newest is kept; rows written before this version keep
    // their value for 300 s (the challengeRetentionSec default) after use or expiry.
    version: 2,
    name: 'challenges: one row per app and value',
    sql: `
      CREATE TABLE challenges_by_value (
        id INTEGER PRIMARY KEY,
        appid TEXT NOT NULL,
        digits TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER,
        free_after_ms INTEGER NOT NULL,
        UNIQUE (appid, digits)
      );
      INSERT INTO challenges_by_value (appid, digits, expires_ms, used_ms, free_after_ms)
        SELECT appid, digits, expires_ms, used_ms, coalesce(used_ms, expires_ms) + 300000 FROM challenges
        WHERE id IN (SELECT max(id) FROM challenges GROUP BY appid, digits);
      DROP TABLE challenges;
      ALTER TABLE challenges_by_value RENAME TO challenges;
      CREATE INDEX challenges_free ON challenges(free_after_ms);
    `,
  },
];

/**
 * Applies the migrations this database has not seen, each in its own IMMEDIATE transaction that
 * checks again, so processes opening one data directory at once apply each step once.
 */
export function migrateSqlite(db: Db): Db {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)');
  const applied = db.prepare<[number], { one: number }>('SELECT 1 AS one FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)');
  for (const m of SQLITE_MIGRATIONS) {
    // Checked outside the write lock first: a server running on the same file is not held up.
    if (applied.get(m.version)) continue;
    db.transaction(() => {
      if (applied.get(m.version)) return;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }).immediate();
  }
  return db;
}
