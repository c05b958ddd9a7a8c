import { workerData } from 'node:worker_threads';
import type { Thresholds } from '../config/index.js';
import { runTask, warmUp, type Task } from './tasks.js';

/** Piscina entry point: one per thread, models loaded once when the thread starts. */
const { thresholds } = workerData as { thresholds: Thresholds };
const ready = warmUp(thresholds);
// A failed warm-up is retried by the first task, which then reports the error itself.
ready.catch(() => undefined);

export default async function run(task: Task): Promise<unknown> {
  await ready.catch(() => undefined);
  return runTask(task, thresholds);
}
