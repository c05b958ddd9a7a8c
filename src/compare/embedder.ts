import type { Human, FaceResult } from '@vladmandic/human';
import type { Thresholds } from '../config/index.js';
import type { ErrorName } from '../core/errors.js';
import type { RgbFrame } from '../core/frames.js';
import type { EmbedResult, FaceTemplate } from '../core/inference.js';
import { alignByEyes, type AlignGeometry, type Point } from './align.js';
import { decodeImage } from './decode.js';
import { getRecogniser, type Recogniser } from './faceapi.js';
import { exclusive, getHuman, type Tf } from './human.js';
import { passesFaceGate, type FaceGate } from './face-gate.js';
import { similarityFromTemplates } from './similarity.js';

/** The resolved thresholds of section `compare`: the sim scale anchors and the face gate. */
export type CompareThresholds = Thresholds['compare'];

/** Stored with every template so a registry entry made by another model is never compared. */
export const TEMPLATE_MODEL = 'faceapi-resnet34/human-mesh-dlib-chip-v1';

/**
 * The face chip the recognition model was trained on: dlib's get_face_chip_details at 150 px
 * with 0.25 padding puts the eye centres of its mean face 0.353 of the side apart on a line
 * at 0.288 of the height (from dlib's mean_face_shape tables). Not tuned on our test data.
 */
export const DLIB_CHIP: AlignGeometry = { size: 150, eyeDistance: 0.353, eyeY: 0.288 };

// Mesh indices of the eye corners (MediaPipe face mesh topology).
const EYE_A = [33, 133] as const;
const EYE_B = [362, 263] as const;

// Human merges per-call settings into its instance, so every call states all it relies on.
const detectOnly = (rotation: boolean) => ({
  face: { detector: { rotation }, description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } },
});

export interface FaceEmbedder {
  embedImage(image: Uint8Array, role: 'card' | 'photo'): Promise<EmbedResult>;
  embedFrame(frame: RgbFrame): Promise<EmbedResult>;
  /** 0-100 `sim`; 70 ~ 1/1000 and 80 ~ 1/10000 false accepts (docs/face.md). */
  similarity(a: FaceTemplate, b: FaceTemplate): number;
}

type Role = 'card' | 'photo' | 'video';
const ERRORS_BY_ROLE: Record<Role, { decode: ErrorName; noFace: ErrorName; feature: ErrorName }> = {
  card: { decode: 'CARD_DECODE_FAILED', noFace: 'CARD_NO_FACE', feature: 'CARD_FEATURE_FAILED' },
  // SPEC has no feature-failure code for a plain photo; -4012 is the nearest honest answer.
  photo: { decode: 'PHOTO_DECODE_FAILED', noFace: 'PHOTO_NO_FACE', feature: 'PHOTO_NO_FACE' },
  video: { decode: 'VIDEO_FEATURE_FAILED', noFace: 'VIDEO_NO_FACE', feature: 'VIDEO_FEATURE_FAILED' },
};

export class AlignedFaceEmbedder implements FaceEmbedder {
  constructor(
    private readonly human: Human,
    private readonly recogniser: Recogniser,
    private readonly th: CompareThresholds,
  ) {}

  async embedImage(image: Uint8Array, role: 'card' | 'photo'): Promise<EmbedResult> {
    const frame = await decodeImage(image);
    if (!frame) return { ok: false, error: ERRORS_BY_ROLE[role].decode };
    return exclusive(() => this.embed(frame, role));
  }

  embedFrame(frame: RgbFrame): Promise<EmbedResult> {
    if (frame.width <= 0 || frame.height <= 0 || frame.data.length !== frame.width * frame.height * 3) {
      return Promise.resolve({ ok: false, error: 'VIDEO_FEATURE_FAILED' });
    }
    return exclusive(() => this.embed(frame, 'video'));
  }

  similarity(a: FaceTemplate, b: FaceTemplate): number {
    return similarityFromTemplates(a, b, this.th);
  }

  private async embed(frame: RgbFrame, role: Role): Promise<EmbedResult> {
    const errors = ERRORS_BY_ROLE[role];
    const tf = this.human.tf;
    const input = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
    try {
      // Video frames show one close face; tiling them would only slow down the no-face answer.
      const found = await findMainFace(this.human, input, this.th, { tiles: role !== 'video' });
      if (!found) return { ok: false, error: errors.noFace };
      try {
        const eyes = eyeCentres(found.face);
        if (!eyes) return { ok: false, error: errors.feature };
        const embedding = await describeChip(this.human, this.recogniser, found.image, eyes);
        if (!embedding) return { ok: false, error: errors.feature };
        return { ok: true, template: { model: TEMPLATE_MODEL, embedding } };
      } finally {
        if (found.image !== input) found.image.dispose();
      }
    } catch {
      return { ok: false, error: errors.feature };
    } finally {
      input.dispose();
    }
  }
}

/** Share of the longer side added as a border when the first detection pass finds nothing. */
const FALLBACK_PAD = 0.3;
/** Tile windows along the long side (start, length as fractions) for small faces on documents. */
const TILES: ReadonlyArray<readonly [number, number]> = [
  [0, 0.5],
  [0.25, 0.5],
  [0.5, 0.5],
];
const TILE_LONG_SIDE = 640;

type Tensor4D = ReturnType<Tf['tensor4d']>;

/**
 * The main face, looking up to four ways, each only when the previous found nothing:
 * 1. the whole picture, detector rotation off (the chip alignment corrects roll itself, and
 *    rotation costs ~35 ms CPU per image for no accuracy on the evaluation pairs);
 * 2. the same with rotation on, which finds some faces the first pass drops (the Latvian
 *    specimen passport);
 * 3. the picture with a plain border: a portrait cropped tight to the face gives the detector
 *    no context;
 * 4. for still images, overlapping halves of the long side enlarged: the detector sees the
 *    whole picture at 256 px, too coarse for a small portrait on a wide document photo.
 * Passes 3 and 4 are fallbacks for the face gate. `image` is the tensor the face's coordinates
 * refer to.
 */
export async function findMainFace(
  human: Human,
  input: Tensor4D,
  gate: FaceGate,
  opts: { tiles: boolean } = { tiles: true },
): Promise<{ face: FaceResult; image: Tensor4D } | null> {
  const tf = human.tf;
  const face = (await detectMainFace(human, input, gate, false)) ?? (await detectMainFace(human, input, gate, false, true));
  if (face) return { face, image: input };
  const [, h, w] = input.shape;
  const pad = Math.round(FALLBACK_PAD * Math.max(h, w));
  const padded = tf.pad(input, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as Tensor4D;
  const second = await detectMainFace(human, padded, gate, true);
  if (second) return { face: second, image: padded };
  padded.dispose();
  if (!opts.tiles) return null;
  const wide = w >= h;
  const long = wide ? w : h;
  for (const [start, length] of TILES) {
    const from = Math.round(start * long);
    const size = Math.round(length * long);
    const scale = TILE_LONG_SIDE / Math.max(size, wide ? h : w);
    const tile = tf.tidy(() => {
      const cut = wide ? tf.slice(input, [0, 0, from, 0], [1, h, size, 3]) : tf.slice(input, [0, from, 0, 0], [1, size, w, 3]);
      const [, ch, cw] = cut.shape;
      return tf.image.resizeBilinear(tf.cast(cut, 'float32') as Tensor4D, [Math.round(ch * scale), Math.round(cw * scale)]) as Tensor4D;
    });
    const found = await detectMainFace(human, tile, gate, true);
    if (found) return { face: found, image: tile };
    tile.dispose();
  }
  return null;
}

/** The largest detected face: the subject, not a bystander or a face on a poster behind. */
export async function detectMainFace(human: Human, input: Tensor4D, gate: FaceGate, fallback: boolean, rotation = false): Promise<FaceResult | null> {
  const result = await human.detect(input, detectOnly(rotation));
  const faces = result.face.filter((f) => f.mesh.length >= 468 && passesFaceGate(f, gate, fallback));
  if (faces.length === 0) return null;
  return faces.reduce((best, f) => (f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best));
}

export function eyeCentres(face: FaceResult): [Point, Point] | null {
  const centre = (idx: readonly number[]): Point | null => {
    const pts = idx.map((i) => face.mesh[i]).filter((p) => p !== undefined);
    if (pts.length !== idx.length) return null;
    return { x: pts.reduce((s, p) => s + p[0], 0) / pts.length, y: pts.reduce((s, p) => s + p[1], 0) / pts.length };
  };
  const a = centre(EYE_A);
  const b = centre(EYE_B);
  if (!a || !b || Math.hypot(a.x - b.x, a.y - b.y) < 4) return null;
  return [a, b];
}

/** face-api's recognition model on the dlib-style chip; returns the L2-normalised 128-d embedding. */
export async function describeChip(
  human: Human,
  recogniser: Recogniser,
  input: ReturnType<Tf['tensor4d']>,
  eyes: [Point, Point],
  geo: AlignGeometry = DLIB_CHIP,
): Promise<number[] | null> {
  const chip = alignByEyes(human.tf, input, eyes, geo);
  const chip3 = human.tf.squeeze(chip, [0]) as ReturnType<Tf['tensor3d']>;
  try {
    return normalise(Array.from(await recogniser.describe(chip3)));
  } finally {
    chip3.dispose();
    chip.dispose();
  }
}

/** Runs Human's description model on the eye-aligned crop; returns the L2-normalised 1024-d embedding. */
export async function describeAligned(
  human: Human,
  input: ReturnType<Tf['tensor4d']>,
  eyes: [Point, Point],
  geo: AlignGeometry,
): Promise<number[] | null> {
  const model = human.models.models.faceres;
  if (!model) return null;
  const tf = human.tf;
  const crop = alignByEyes(tf, input, eyes, geo);
  try {
    const outputs = model.execute(crop);
    const list = Array.isArray(outputs) ? outputs : [outputs];
    try {
      const descriptor = list.find((t) => t.shape[1] === 1024);
      if (!descriptor) return null;
      return normalise(Array.from(await descriptor.data()));
    } finally {
      for (const t of list) t.dispose();
    }
  } finally {
    crop.dispose();
  }
}

export function normalise(v: number[]): number[] | null {
  const norm = Math.hypot(...v);
  if (!Number.isFinite(norm) || norm === 0) return null;
  return v.map((x) => x / norm);
}

let models: Promise<[Human, Recogniser]> | undefined;

/** The thread's embedder with the configured `compare` thresholds; models load once on first use. */
export async function getFaceEmbedder(th: CompareThresholds): Promise<FaceEmbedder> {
  models ??= (async () => [await getHuman(), await getRecogniser()] as [Human, Recogniser])();
  const [human, recogniser] = await models;
  return new AlignedFaceEmbedder(human, recogniser, th);
}
