import type pg from 'pg';
import { inTransaction } from './pool.js';

/** Any constant: the advisory lock that serialises replicas migrating one database at once. */
const MIGRATION_LOCK = 4_615_231;

/** The PostgreSQL schema, one step per version (the same tables and meaning as SQLite's). */
export const POSTGRES_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'livecheck tables',
    sql: `
      CREATE TABLE apps (
        appid TEXT PRIMARY KEY,
        enabled BOOLEAN NOT NULL DEFAULT TRUE,
        services TEXT NOT NULL,
        rate_limit INTEGER,
        created_ms BIGINT NOT NULL
      );
      CREATE TABLE app_keys (
        secret_id TEXT PRIMARY KEY,
        appid TEXT NOT NULL REFERENCES apps(appid),
        secret_sealed BYTEA NOT NULL,
        created_ms BIGINT NOT NULL,
        revoked_ms BIGINT
      );
      CREATE INDEX app_keys_appid ON app_keys(appid);
      CREATE TABLE used_signatures (
        mac BYTEA PRIMARY KEY,
        forget_after_ms BIGINT NOT NULL
      );
      CREATE INDEX used_signatures_forget ON used_signatures(forget_after_ms);
      CREATE TABLE challenges (
        id BIGSERIAL PRIMARY KEY,
        appid TEXT NOT NULL,
        digits TEXT NOT NULL,
        expires_ms BIGINT NOT NULL,
        used_ms BIGINT,
        free_after_ms BIGINT NOT NULL,
        UNIQUE (appid, digits)
      );
      CREATE INDEX challenges_free ON challenges(free_after_ms);
      CREATE TABLE identities (
        number TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        model TEXT NOT NULL,
        embedding TEXT NOT NULL,
        photo_file TEXT,
        enrolled_at BIGINT NOT NULL
      );
      CREATE TABLE records (
        request_id TEXT PRIMARY KEY,
        appid TEXT,
        endpoint TEXT NOT NULL,
        received_ms BIGINT NOT NULL,
        finished_ms BIGINT NOT NULL,
        code INTEGER NOT NULL,
        live_status INTEGER,
        compare_status INTEGER,
        score DOUBLE PRECISION,
        timings TEXT NOT NULL,
        checks TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX records_appid_time ON records(appid, received_ms);
      CREATE INDEX records_time ON records(received_ms);
      CREATE TABLE capture_sessions (
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
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts_used INTEGER NOT NULL DEFAULT 0,
        challenges_issued INTEGER NOT NULL DEFAULT 0,
        challenge_digits TEXT,
        lease_until_ms BIGINT,
        finished_ms BIGINT,
        result TEXT,
        callback_state TEXT NOT NULL DEFAULT 'none',
        callback_attempts INTEGER NOT NULL DEFAULT 0,
        callback_next_ms BIGINT,
        callback_error TEXT
      );
      CREATE INDEX capture_sessions_open ON capture_sessions(state, expires_ms);
      CREATE INDEX capture_sessions_callbacks ON capture_sessions(callback_state, callback_next_ms);
      CREATE INDEX capture_sessions_finished ON capture_sessions(finished_ms);
    `,
  },
];

/**
 * Applies the migrations this database has not seen, in one transaction under an advisory lock:
 * replicas starting together wait for the first one and then find nothing left to do.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)');
    const done = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of POSTGRES_MIGRATIONS) {
      if (done.has(m.version)) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
    }
  });
}
