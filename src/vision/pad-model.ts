import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { repoRoot } from '../core/repo-root.js';
import { PAD_INPUT, PAD_MODELS, type PadCrop, type PadModelName } from './pad-crop.js';

/** Live probability of one frame per model, and their mean (upstream's fusion). */
export interface PadFrameScore {
  t: number;
  v2: number;
  v1se: number;
  live: number;
  /** The face's mean luma in the crop as cut, before it was scaled to one exposure (pad-crop.ts). */
  faceLuma?: number;
}

function modelDir(): string {
  return process.env.LIVECHECK_MODEL_DIR || join(repoRoot(), 'models');
}

// One session per model per thread; one intra-op thread so that the pool's workers (one per
// core) do not fight over cores.
const sessions = new Map<PadModelName, Promise<InferenceSession>>();

function session(name: PadModelName): Promise<InferenceSession> {
  let s = sessions.get(name);
  if (!s) {
    const file = join(modelDir(), PAD_MODELS.find((m) => m.name === name)!.file);
    s = InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    s.catch(() => sessions.delete(name));
    sessions.set(name, s);
  }
  return s;
}

/**
 * Loads both models (worker warm-up), so the first verification does not pay for it. They are
 * the Silent-Face MiniFASNet models (models/MODEL_CARD.md): each reads an 80x80 crop with its
 * own amount of context around the face and gives three class probabilities, of which class 1
 * is "live". Upstream adds the two models' probabilities.
 */
export async function loadPadModels(): Promise<void> {
  await Promise.all(PAD_MODELS.map((m) => session(m.name)));
}

const SIDE = 3 * PAD_INPUT * PAD_INPUT;

/** Raw logits of one model for a batch of crops (n x 3). */
export async function padLogits(name: PadModelName, crops: Float32Array[]): Promise<Float32Array> {
  const batch = new Float32Array(crops.length * SIDE);
  crops.forEach((c, i) => batch.set(c, i * SIDE));
  const out = await (await session(name)).run({ crop: new Tensor('float32', batch, [crops.length, 3, PAD_INPUT, PAD_INPUT]) });
  const logits = out.logits;
  if (!logits || logits.dims.length !== 2 || logits.dims[1] !== 3) throw new Error('presentation-attack model returned an unexpected output');
  return logits.data as Float32Array;
}

function liveProbability(logits: Float32Array, i: number): number {
  const l = logits.subarray(3 * i, 3 * i + 3);
  const m = Math.max(l[0], l[1], l[2]);
  const e = [Math.exp(l[0] - m), Math.exp(l[1] - m), Math.exp(l[2] - m)];
  return e[1] / (e[0] + e[1] + e[2]);
}

/** Both models on every frame's crops, one batch per model. */
export async function scorePadCrops(frames: PadCrop[]): Promise<PadFrameScore[]> {
  if (frames.length === 0) return [];
  const v2 = await padLogits('v2', frames.map((f) => f.crops.v2));
  const v1se = await padLogits('v1se', frames.map((f) => f.crops.v1se));
  return frames.map((f, i) => {
    const a = liveProbability(v2, i);
    const b = liveProbability(v1se, i);
    return { t: f.t, v2: a, v1se: b, live: (a + b) / 2, faceLuma: f.faceLuma };
  });
}
