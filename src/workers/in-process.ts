import type { Thresholds } from '../config/index.js';
import type { Inference } from '../core/inference.js';
import type { VerifyHooks } from '../liveness/index.js';
import { runTask, type Task, type TaskResults } from './tasks.js';

/** Inference on the calling thread: for the CLI, where there is no event loop to protect. */
export function createInProcessInference(opts: { thresholds: Thresholds; hooks?: VerifyHooks }): Inference {
  const run = <K extends Task['kind']>(task: Extract<Task, { kind: K }>): Promise<TaskResults[K]> =>
    runTask(task, opts.thresholds, opts.hooks) as Promise<TaskResults[K]>;
  return {
    verifyVideo: (req) => run({ kind: 'verifyVideo', req }),
    embedPhoto: (image, role) => run({ kind: 'embedPhoto', image, role }),
    comparePhoto: (image, template) => run({ kind: 'comparePhoto', image, template }),
    pictureLiveness: (image) => run({ kind: 'pictureLiveness', image }),
    close: () => Promise.resolve(),
  };
}
