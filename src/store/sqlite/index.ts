import type { Store } from '../types.js';
import { SqliteApps } from './apps.js';
import { SqliteChallenges } from './challenges.js';
import { openDatabase, type Db } from './database.js';
import { SqliteIdentities } from './identities.js';
import { SqliteRecords } from './records.js';
import { SqliteReplay } from './replay.js';
import { SqliteSessions } from './sessions.js';

/** The embedded store: `<dataDir>/livecheck.db` (or a private in-memory database for tests). */
export function openSqliteStore(dataDir: string | ':memory:'): Store & { readonly db: Db } {
  const db = openDatabase(dataDir);
  const ping = db.prepare('SELECT 1');
  return {
    kind: 'sqlite',
    db,
    apps: new SqliteApps(db),
    replay: new SqliteReplay(db),
    challenges: new SqliteChallenges(db),
    identities: new SqliteIdentities(db),
    records: new SqliteRecords(db),
    sessions: new SqliteSessions(db),
    ping: async () => {
      ping.get();
    },
    close: async () => {
      db.close();
    },
  };
}

export { openDatabase, type Db } from './database.js';
