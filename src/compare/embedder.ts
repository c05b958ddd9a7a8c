import type { Human, FaceResult } from '@vladmandic/human';
import type { ErrorName } from '../core/errors.js';
import type { RgbFrame } from '../core/frames.js';
import type { EmbedResult, FaceTemplate } from '../core/inference.js';
import { alignByEyes, type AlignGeometry, type Point } from './align.js';
import { decodeImage } from './decode.js';
import { getRecogniser, type Recogniser } from './faceapi.js';
import { getHuman, type Tf } from './human.js';
import { similarityFromTemplates } from './similarity.js';

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

const DETECT_ONLY = { face: { description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } } };

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
  ) {}

  async embedImage(image: Uint8Array, role: 'card' | 'photo'): Promise<EmbedResult> {
    const frame = await decodeImage(image);
    if (!frame) return { ok: false, error: ERRORS_BY_ROLE[role].decode };
    return this.embed(frame, role);
  }

  embedFrame(frame: RgbFrame): Promise<EmbedResult> {
    if (frame.width <= 0 || frame.height <= 0 || frame.data.length !== frame.width * frame.height * 3) {
      return Promise.resolve({ ok: false, error: 'VIDEO_FEATURE_FAILED' });
    }
    return this.embed(frame, 'video');
  }

  similarity(a: FaceTemplate, b: FaceTemplate): number {
    return similarityFromTemplates(a, b);
  }

  private async embed(frame: RgbFrame, role: Role): Promise<EmbedResult> {
    const errors = ERRORS_BY_ROLE[role];
    const tf = this.human.tf;
    const input = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
    try {
      const found = await findMainFace(this.human, input);
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

/** The largest detected face: the subject, not a bystander or a face on a poster behind. */
export async function detectMainFace(human: Human, input: ReturnType<Tf['tensor4d']>): Promise<FaceResult | null> {
  const result = await human.detect(input, DETECT_ONLY);
  const faces = result.face.filter((f) => f.mesh.length >= 468);
  if (faces.length === 0) return null;
  return faces.reduce((best, f) => (f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best));
}

/** Share of the longer side added as a border when the first detection pass finds nothing. */
const FALLBACK_PAD = 0.3;

/**
 * The main face, looking twice: a portrait cropped tight to the face (ID photos, face
 * crops) leaves the detector no context, and the same picture with a plain border around it
 * is found. `image` is the tensor the face's coordinates refer to.
 */
export async function findMainFace(
  human: Human,
  input: ReturnType<Tf['tensor4d']>,
): Promise<{ face: FaceResult; image: ReturnType<Tf['tensor4d']> } | null> {
  const face = await detectMainFace(human, input);
  if (face) return { face, image: input };
  const pad = Math.round(FALLBACK_PAD * Math.max(input.shape[1], input.shape[2]));
  const padded = human.tf.pad(input, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as ReturnType<Tf['tensor4d']>;
  const second = await detectMainFace(human, padded);
  if (second) return { face: second, image: padded };
  padded.dispose();
  return null;
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

let embedder: Promise<FaceEmbedder> | undefined;

/** The thread's embedder; models load once on first use. */
export function getFaceEmbedder(): Promise<FaceEmbedder> {
  embedder ??= (async () => new AlignedFaceEmbedder(await getHuman(), await getRecogniser()))();
  return embedder;
}
