import type { Human } from '@vladmandic/human';
import type { RgbFrame } from '../core/frames.js';
import type { PictureLivenessResult } from '../core/inference.js';
import type { CompareThresholds } from './embedder.js';
import { passesFaceGate } from './face-gate.js';
import { decodeImage } from './decode.js';
import { exclusive, getHuman } from './human.js';

const PAD_MODELS = {
  face: { detector: { rotation: false }, description: { enabled: false }, antispoof: { enabled: true }, liveness: { enabled: true } },
};

/**
 * Single-photo liveness score for livedetectpicture: 0-100, above 87 = live (SPEC).
 *
 * Signals: Human's two presentation-attack classifiers on the main face crop, `antispoof`
 * (real vs. spoof, trained on print/replay crops) and `liveness` (live vs. not live); the
 * score is the geometric mean of the two probabilities, so either model can veto.
 *
 * What it can and cannot do (docs/face.md has the figures): on the only labelled attack
 * photos we have (../shared/data/spoof/silent_face) it puts the real selfie above 87 and the
 * printed photo and the screen replay below, by a few points; ordinary photos spread over
 * 68-92, so genuine users are refused too. A single still carries no motion, depth or
 * challenge-response evidence; the video liveness check is the one to rely on.
 */
export async function scorePictureLiveness(image: Uint8Array, th: CompareThresholds): Promise<PictureLivenessResult> {
  const frame = await decodeImage(image);
  if (!frame) return { ok: false, error: 'PHOTO_DECODE_FAILED' };
  const human = await getHuman();
  return exclusive(() => scoreFrame(human, frame, th));
}

async function scoreFrame(human: Human, frame: RgbFrame, th: CompareThresholds): Promise<PictureLivenessResult> {
  const tf = human.tf;
  const input = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
  const scored = async (t: typeof input, fallback: boolean) =>
    (await human.detect(t, PAD_MODELS)).face.filter((f) => typeof f.real === 'number' && typeof f.live === 'number' && passesFaceGate(f, th, fallback));
  try {
    let faces = await scored(input, false);
    if (faces.length === 0) {
      // Same retry as the embedder: a selfie cropped tight to the face needs a border to be found.
      const pad = Math.round(0.3 * Math.max(frame.width, frame.height));
      const padded = tf.pad(input, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as typeof input;
      try {
        faces = await scored(padded, true);
      } finally {
        padded.dispose();
      }
    }
    if (faces.length === 0) return { ok: false, error: 'PHOTO_NO_FACE' };
    const main = faces.reduce((b, f) => (f.box[2] * f.box[3] > b.box[2] * b.box[3] ? f : b));
    const real = main.real ?? 0;
    const live = main.live ?? 0;
    const score = Math.round(100 * Math.sqrt(Math.max(0, real) * Math.max(0, live)));
    return { ok: true, score, details: { antispoofReal: real, livenessLive: live, faces: faces.length } };
  } catch {
    return { ok: false, error: 'PHOTO_NO_FACE' };
  } finally {
    input.dispose();
  }
}
