import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { NUM_CLASSES } from './tokens.js';

/** Per-frame log-probabilities (frames x NUM_CLASSES, row-major), 40 ms per frame. */
export interface Posteriors {
  frames: number;
  logp: Float32Array;
}

export const MODEL_FILE = 'digits.onnx';

/** models/digits.onnx of the repository, found by walking up (works from src/ and dist/). */
export function defaultModelPath(): string {
  if (process.env.LIVECHECK_SPEECH_MODEL) return process.env.LIVECHECK_SPEECH_MODEL;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'models', MODEL_FILE);
}

// One session per thread: module state is per worker thread, and the service runs one
// worker per core, so a single intra-op thread keeps the workers from fighting.
let session: Promise<InferenceSession> | undefined;

function getSession(): Promise<InferenceSession> {
  session ??= InferenceSession.create(defaultModelPath(), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  }).catch((err: unknown) => {
    session = undefined;
    throw err;
  });
  return session;
}

/** Runs the acoustic model on 16 kHz mono PCM (the feature front end is inside the graph). */
export async function posteriors(pcm: Float32Array): Promise<Posteriors> {
  const s = await getSession();
  const out = await s.run({ pcm: new Tensor('float32', pcm, [1, pcm.length]) });
  const t = out.logprobs;
  if (!t || t.dims.length !== 3 || t.dims[2] !== NUM_CLASSES) throw new Error('speech model returned an unexpected output');
  return { frames: t.dims[1] ?? 0, logp: t.data as Float32Array };
}
