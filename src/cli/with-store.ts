import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';

/** Runs `fn` with the configured store (the data dir's SQLite file or databaseUrl), closed afterwards. */
export async function withStore<T>(cmd: Command, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const globals = cmd.optsWithGlobals<{ config?: string; data?: string }>();
  const config = loadConfig({ file: globals.config, overrides: { dataDir: globals.data } });
  const store = await openStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
