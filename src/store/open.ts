import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './types.js';

/**
 * The store a configuration names: PostgreSQL when `databaseUrl` is a postgres:// URL, otherwise
 * the embedded SQLite file in `dataDir`.
 */
export async function openStore(opts: { dataDir: string; databaseUrl?: string }): Promise<Store> {
  if (!opts.databaseUrl) return openSqliteStore(opts.dataDir);
  if (!isPostgresUrl(opts.databaseUrl)) throw new Error('databaseUrl must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite store)');
  return openPostgresStore(opts.databaseUrl);
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
