import type { Store } from '../types.js';
import { PostgresApps } from './apps.js';
import { PostgresChallenges } from './challenges.js';
import { PostgresIdentities } from './identities.js';
import { migratePostgres } from './migrations.js';
import { createPool } from './pool.js';
import { PostgresRecords } from './records.js';
import { PostgresReplay } from './replay.js';
import { PostgresSessions } from './sessions.js';

/** The shared store of a scaled-out deployment: PostgreSQL at `url`, migrated on open. */
export async function openPostgresStore(url: string, opts: { poolSize?: number } = {}): Promise<Store> {
  const pool = createPool(url, opts.poolSize ?? 10);
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    kind: 'postgres',
    apps: new PostgresApps(pool),
    replay: new PostgresReplay(pool),
    challenges: new PostgresChallenges(pool),
    identities: new PostgresIdentities(pool),
    records: new PostgresRecords(pool),
    sessions: new PostgresSessions(pool),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
