import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server.js';
import { resolveThresholds, type Config } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';
import { createInference } from '../workers/index.js';

export interface RunningService {
  app: FastifyInstance;
  store: Store;
  /** http://host:port actually bound (port 0 picks a free one). */
  address: string;
  close(): Promise<void>;
}

/**
 * The composition root of a running service: opens the configured store (the data dir's SQLite
 * file, or PostgreSQL at databaseUrl), starts the inference workers and listens. `livecheck
 * serve` and the API benchmark both start the service through here.
 */
export async function startService(config: Config): Promise<RunningService> {
  const store = await openStore(config);
  // The pool starts before the server exists; its thread errors go to the server's log once it does.
  let logTo: FastifyInstance | undefined;
  const inference = createInference({
    workers: config.workers,
    maxQueue: config.maxQueue,
    splitWhenIdle: config.splitWhenIdle,
    thresholds: resolveThresholds(config.thresholds),
    onWorkerError: (err) => (logTo ? logTo.log.error({ err }, 'inference worker error') : process.stderr.write(`inference worker error: ${String(err)}\n`)),
  });
  const app = buildServer({ config, inference, store });
  logTo = app;
  try {
    const address = await app.listen({ port: config.port, host: config.host });
    return {
      app,
      store,
      address,
      close: async () => {
        await app.close();
        await inference.close();
        await store.close();
      },
    };
  } catch (err) {
    await inference.close();
    await store.close();
    throw err;
  }
}
