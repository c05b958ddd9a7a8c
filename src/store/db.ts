import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/**
 * The embedded store: one SQLite file in WAL mode under the data directory. Each module
 * that keeps state (apps, keys, challenges, records, identities) creates its own tables
 * with CREATE TABLE IF NOT EXISTS when it is constructed, so modules stay independent.
 * `:memory:` gives a private in-memory database (tests).
 */
export function openDatabase(dataDir: string | ':memory:'): Db {
  if (dataDir === ':memory:') return configure(new Database(':memory:'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'livecheck.db');
  ownerOnly(file);
  const db = configure(new Database(file));
  // SQLite gives -wal and -shm the database file's mode; older versions created them 0644.
  for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  return db;
}

/** The database holds apps, sealed keys and records: readable by its owner only, like master.key. */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

function configure(db: Db): Db {
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
