import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { repoRoot } from '../core/repo-root.js';
import { NUM_CLASSES } from './tokens.js';

/** Per-frame log-probabilities (frames x NUM_CLASSES, row-major). */
export interface Posteriors {
  frames: number;
  logp: Float32Array;
  /**
   * The other networks' posteriors of the same recording when the model file holds several
   * (outputs logprobs, logprobs_1, ...: training/speech/ensemble-onnx.py). The digit check's margin
   * is the mean of every network's margin and the language Mandarin if any network hears it
   * (scoreDigits); what was heard, where each digit was said and the per-digit probabilities come
   * from the first network alone.
   */
  others?: Posteriors[];
}

export const MODEL_FILE = 'digits.onnx';

/** models/digits.onnx of the repository, found by walking up (works from src/ and dist/). */
export function defaultModelPath(): string {
  return process.env.LIVECHECK_SPEECH_MODEL || join(repoRoot(), 'models', MODEL_FILE);
}

/** An acoustic model file, ready to run: the service's default or an evaluation fold's. */
export interface SpeechModel {
  readonly path: string;
  posteriors(pcm: Float32Array): Promise<Posteriors>;
}

/** Loads a model with one intra-op thread: the service runs one worker thread per core. */
export async function loadSpeechModel(path: string): Promise<SpeechModel> {
  const session = await InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const outputs = networkOutputs(session.outputNames);
  if (outputs.length === 0) throw new Error(`${path}: no logprobs output`);
  return {
    path,
    async posteriors(pcm) {
      const out = await session.run({ pcm: new Tensor('float32', pcm, [1, pcm.length]) });
      const [first, ...others] = outputs.map((name): Posteriors => {
        const t = out[name];
        if (!t || t.dims.length !== 3 || t.dims[2] !== NUM_CLASSES) throw new Error('speech model returned an unexpected output');
        return { frames: t.dims[1] ?? 0, logp: t.data as Float32Array };
      });
      return others.length > 0 ? { ...first!, others } : first!;
    },
  };
}

/** The networks' outputs of a model file in order: logprobs, then logprobs_1, logprobs_2, ... */
export function networkOutputs(names: readonly string[]): string[] {
  const index = (n: string): number => (n === 'logprobs' ? 0 : Number(/^logprobs_(\d+)$/.exec(n)?.[1] ?? NaN));
  return names.filter((n) => Number.isInteger(index(n))).sort((a, b) => index(a) - index(b));
}

// One session per thread: module state is per worker thread.
let shared: Promise<SpeechModel> | undefined;

export function defaultSpeechModel(): Promise<SpeechModel> {
  shared ??= loadSpeechModel(defaultModelPath()).catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}
