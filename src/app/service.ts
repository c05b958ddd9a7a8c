import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildServer } from '../api/server.js';
import { RedisRateLimitStore } from '../auth/ratelimit.js';
import { resolveThresholds, type Config } from '../config/index.js';
import type { Inference } from '../core/inference.js';
import { QueuedInference, startQueueWorker, type QueueSettings, type QueueWorker } from '../queue/bullmq.js';
import { openStore, type Store } from '../store/index.js';
import { createInference } from '../workers/index.js';

export interface RunningService {
  /** The HTTP API (roles all and api); null for a worker. */
  app: FastifyInstance | null;
  store: Store | null;
  /** http://host:port actually bound (port 0 picks a free one); null for a worker. */
  address: string | null;
  /** Logs one line (the API's logger, or stderr for a worker). */
  log(msg: string, obj?: object): void;
  close(): Promise<void>;
}

export function queueSettings(config: Config): QueueSettings {
  return { redisUrl: config.redisUrl as string, ...config.queue };
}

/**
 * The composition root: builds what the configured role runs. `all` without Redis is the
 * embedded default (one process: HTTP, store, worker threads). With redisUrl, verifications go
 * through the BullMQ queue: `api` only enqueues them, `worker` only runs them on its thread pool,
 * `all` does both. `livecheck serve` and the API benchmark start the service through here.
 */
export async function startService(config: Config): Promise<RunningService> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  let app: FastifyInstance | null = null;
  const log = (msg: string, obj: object = {}): void => {
    if (app) app.log.info(obj, msg);
    else process.stderr.write(`${JSON.stringify({ time: Date.now(), msg, ...obj })}\n`);
  };
  try {
    let threads: Inference | null = null;
    if (config.role !== 'api') {
      // The pool starts before the server exists; its thread errors go to the server's log once it does.
      threads = createInference({
        workers: config.workers,
        maxQueue: config.maxQueue,
        splitWhenIdle: config.splitWhenIdle,
        thresholds: resolveThresholds(config.thresholds),
        onWorkerError: (err) => (app ? app.log.error({ err }, 'inference worker error') : process.stderr.write(`inference worker error: ${String(err)}\n`)),
      });
      const pool = threads;
      closers.push(() => pool.close());
    }
    if (config.redisUrl && threads) {
      const worker: QueueWorker = startQueueWorker(queueSettings(config), threads, {
        concurrency: config.workers,
        tmpDir: join(resolve(config.dataDir), 'tmp', 'jobs'),
        onError: (err) => log('queue worker error', { err: err.message }),
      });
      // Closed before the pool: running jobs finish first (drain).
      closers.push(() => worker.close());
    }
    if (config.role === 'worker') return { app: null, store: null, address: null, log, close: closeAll };

    const store = await openStore(config);
    closers.push(() => store.close());
    let inference = threads as Inference;
    let rateLimits: RedisRateLimitStore | undefined;
    if (config.redisUrl) {
      const queued = new QueuedInference(queueSettings(config));
      closers.push(() => queued.close());
      inference = queued;
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
      closers.push(async () => redis.disconnect());
      rateLimits = new RedisRateLimitStore(redis, config.queue.prefix);
    }
    app = buildServer({ config, inference, store, rateLimits });
    // The HTTP server closes first: no new requests, those running answer.
    closers.push(async () => {
      await app?.close();
    });
    const address = await app.listen({ port: config.port, host: config.host });
    return { app, store, address, log, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
