import type { Thresholds } from '../config/index.js';
import type { Inference } from '../core/inference.js';

/**
 * The pipeline under evaluation and the separate speech evaluation, loaded only when an
 * evaluation runs: the harness (generators, metrics, report) must build and test on its own,
 * and `livecheck eval --help` must not load any model.
 */

export class EvalPipelineError extends Error {
  constructor(
    readonly code: 'PIPELINE_UNAVAILABLE' | 'SPEECH_EVAL_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'EvalPipelineError';
  }
}

export async function createPipeline(opts: { workers: number; thresholds: Thresholds }): Promise<Inference> {
  let createInference: (typeof import('../workers/index.js'))['createInference'];
  try {
    ({ createInference } = await import('../workers/index.js'));
  } catch (err) {
    throw new EvalPipelineError('PIPELINE_UNAVAILABLE', `cannot load the inference workers: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The harness hands over one case at a time, so a queue of one per worker never refuses work.
  return createInference({ workers: opts.workers, maxQueue: opts.workers, thresholds: opts.thresholds });
}

type SpeechEvalModule = typeof import('./speech/run.js');

export async function loadSpeechEval(): Promise<SpeechEvalModule> {
  try {
    return await import('./speech/run.js');
  } catch (err) {
    throw new EvalPipelineError('SPEECH_EVAL_UNAVAILABLE', `cannot load the speech evaluation: ${err instanceof Error ? err.message : String(err)}`);
  }
}
