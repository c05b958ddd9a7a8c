import type { FaceResult, Human } from '@vladmandic/human';
import type { RgbFrame } from '../core/frames.js';
import type { PictureLivenessResult } from '../core/inference.js';
import type { Thresholds } from '../config/index.js';
import { contextWindow, meshBox, padCrops, PAD_MODELS } from '../vision/pad-crop.js';
import { scorePadCrops } from '../vision/pad-model.js';
import { decodeImage } from './decode.js';
import { passesFaceGate } from './face-gate.js';
import { exclusive, getHuman } from './human.js';

const DETECT_ONLY = {
  face: { detector: { rotation: false }, description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } },
};

/** SPEC: "score (int 0-100; above 87 = live)". */
const LIVE_ABOVE = 87;

/**
 * The SPEC score from the models' live probability: `minLive` maps to 88, the lowest live
 * score, 1 to 100 and 0 to 0, linearly on each side, so "above 87" means exactly "live
 * probability at least minLive".
 */
export function pictureScore(live: number, minLive: number): number {
  if (minLive >= 1) return live >= 1 ? 100 : Math.floor(LIVE_ABOVE * live);
  if (live >= minLive) return Math.min(100, LIVE_ABOVE + 1 + Math.round(((100 - LIVE_ABOVE - 1) * (live - minLive)) / (1 - minLive)));
  return Math.max(0, Math.min(LIVE_ABOVE, Math.floor((LIVE_ABOVE * live) / minLive)));
}

/**
 * Single-photo liveness for livedetectpicture: the Silent-Face presentation-attack models
 * (trained on print and screen attacks) on the main face, with the picture around it as
 * context (2.7x and 4.0x the face box), the mean of their live probabilities mapped onto 0-100.
 * A picture cropped tight to the face gives the models no context (the screen edge, the paper
 * border they read); such pictures score low, see docs/face.md for the figures.
 */
export async function scorePictureLiveness(image: Uint8Array, th: Thresholds): Promise<PictureLivenessResult> {
  const frame = await decodeImage(image);
  if (!frame) return { ok: false, error: 'PHOTO_DECODE_FAILED' };
  const human = await getHuman();
  const face = await exclusive(() => mainFace(human, frame, th.compare));
  if (!face) return { ok: false, error: 'PHOTO_NO_FACE' };
  const [s] = await scorePadCrops([padCrops(frame, face.mesh)]);
  const box = meshBox(face.mesh);
  const window = contextWindow(frame.width, frame.height, box, PAD_MODELS[0].scale);
  return {
    ok: true,
    score: pictureScore(s.live, th.picture.minLive),
    details: {
      live: s.live,
      v2: s.v2,
      v1se: s.v1se,
      // How much of the 2.7x context the picture had room for (2.7 = all of it).
      context: Math.round(((window.right - window.left + 1) / box.width) * 100) / 100,
    },
  };
}

/**
 * The largest face with a mesh the embedder would trust, found like the embedder finds it: the
 * whole picture, then with a border (a selfie cropped tight to the face needs one to be
 * detected). Mesh points of the bordered picture are moved back onto the original.
 */
async function mainFace(human: Human, frame: RgbFrame, th: Thresholds['compare']): Promise<FaceResult | null> {
  const tf = human.tf;
  const input = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
  const usable = async (t: typeof input, fallback: boolean): Promise<FaceResult[]> =>
    (await human.detect(t, DETECT_ONLY)).face.filter((f) => passesFaceGate(f, th, fallback) && f.mesh.length >= 468);
  try {
    let faces = await usable(input, false);
    let shift = 0;
    if (faces.length === 0) {
      shift = Math.round(0.3 * Math.max(frame.width, frame.height));
      const padded = tf.pad(input, [[0, 0], [shift, shift], [shift, shift], [0, 0]]) as typeof input;
      try {
        faces = await usable(padded, true);
      } finally {
        padded.dispose();
      }
    }
    if (faces.length === 0) return null;
    const main = faces.reduce((b, f) => (f.box[2] * f.box[3] > b.box[2] * b.box[3] ? f : b));
    return { ...main, mesh: main.mesh.map((p) => [p[0] - shift, p[1] - shift, p[2]]) };
  } catch {
    return null;
  } finally {
    input.dispose();
  }
}
