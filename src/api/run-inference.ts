import { ApiError } from '../core/errors.js';
import { InferenceBusyError } from '../core/inference.js';
import type { ApiMetrics } from './metrics.js';

/**
 * Runs one inference call, counting it in the in-flight gauge. A full queue becomes
 * SERVER_BUSY; any other failure is an internal error (213) whose detail is logged, not sent.
 */
export async function runInference<T>(metrics: ApiMetrics, work: () => Promise<T>, onBusy?: () => Promise<void>): Promise<T> {
  metrics.inferenceInFlight.inc();
  try {
    return await work();
  } catch (err) {
    if (err instanceof InferenceBusyError) {
      await onBusy?.();
      throw new ApiError('SERVER_BUSY');
    }
    throw err;
  } finally {
    metrics.inferenceInFlight.dec();
  }
}
