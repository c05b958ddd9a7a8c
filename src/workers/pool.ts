import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Thresholds } from '../config/index.js';
import { InferenceBusyError, type Inference } from '../core/inference.js';
import type { Task, TaskResults } from './tasks.js';

export interface PoolOptions {
  /** Worker threads; one per core is right because each runs its models single-threaded. */
  workers: number;
  /** Tasks that may wait for a thread; beyond it calls fail at once with InferenceBusyError. */
  maxQueue: number;
  thresholds: Thresholds;
  /**
   * When at least two threads are idle, a verification borrows a second one to track half of
   * its frames (liveness/split.ts): lower latency on a quiet server, no change under load.
   */
  splitWhenIdle?: boolean;
  /** Errors of a worker thread outside any task (e.g. it failed to start); default: stderr. */
  onWorkerError?: (err: unknown) => void;
}

/** Under tsx (tests) this module is .ts and so is its worker; from dist/ both are .js. */
function workerFile(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker${ext}`, import.meta.url).href;
}

/** Inference on a pool of worker threads, off the HTTP event loop. */
export function createInference(opts: PoolOptions): Inference {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: opts.workers,
    maxThreads: opts.workers,
    // Piscina's own limit is a backstop; the check below refuses before queueing anything.
    maxQueue: Math.max(1, opts.maxQueue + opts.workers),
    idleTimeout: Number.MAX_SAFE_INTEGER,
    workerData: { thresholds: opts.thresholds },
  });
  // Without a listener an 'error' event would throw and end the whole process; the task that
  // was waiting on that thread fails on its own and is answered with an error code.
  const onError = opts.onWorkerError ?? ((err: unknown) => process.stderr.write(`livecheck: inference worker error: ${String(err)}\n`));
  pool.on('error', onError);

  // Counted here rather than read from Piscina so the limit is exact: running plus waiting.
  let inFlight = 0;
  const run = async <K extends Task['kind']>(task: Extract<Task, { kind: K }>, transferList?: Transferable[]): Promise<TaskResults[K]> => {
    if (inFlight >= opts.workers + opts.maxQueue) throw new InferenceBusyError();
    inFlight++;
    try {
      return (await pool.run(task, transferList ? { transferList: transferList as never } : {})) as TaskResults[K];
    } catch (err) {
      if (err instanceof Error && /queue is at limit/i.test(err.message)) throw new InferenceBusyError();
      throw err;
    } finally {
      inFlight--;
    }
  };

  const verifyVideo: Inference['verifyVideo'] = async (req) => {
    if (!opts.splitWhenIdle || inFlight + 2 > opts.workers) return run({ kind: 'verifyVideo', req });
    const { port1, port2 } = new MessageChannel();
    // The helper is queued first so that it reaches the second idle thread; if it does not get
    // one in time, the verification releases it and works alone.
    const helping = run({ kind: 'helpVerify', port: port2 }, [port2]);
    helping.catch((err: unknown) => onError(err));
    return run({ kind: 'verifyVideo', req, helper: port1 }, [port1]);
  };

  return {
    verifyVideo,
    embedPhoto: (image, role) => run({ kind: 'embedPhoto', image, role }),
    comparePhoto: (image, template) => run({ kind: 'comparePhoto', image, template }),
    pictureLiveness: (image) => run({ kind: 'pictureLiveness', image }),
    close: () => pool.destroy(),
  };
}
