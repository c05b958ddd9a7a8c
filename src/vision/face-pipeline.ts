import type { RgbFrame } from '../core/frames.js';
import type { FaceModels } from './face-models.js';
import { cropAndResize, resizeBilinear } from './resample.js';

/**
 * Face detection and landmarks on one frame, step for step as @vladmandic/human 3.3 does them
 * with detector rotation, iris and attention off (src/face/blazeface.ts, facemesh.ts,
 * facemeshutil.ts, angles.ts of that package), on the ONNX translations of the same models.
 * Keeping Human's arithmetic (box enlargement, squaring, rounding, truncated mesh coordinates)
 * keeps every figure the thresholds were set on; face-pipeline.test.ts compares the two.
 */

export type Point3 = [number, number, number];

/** A face region the mesh is run on: the detector's box, or the box the mesh gave on the previous frame. */
export interface FaceBox {
  startPoint: [number, number];
  endPoint: [number, number];
  /** The detector's confidence (kept while the box is tracked). */
  confidence: number;
}

export interface DetectedFace {
  /** [x, y, width, height] in whole pixels, clipped to the frame (Human's `face.box`). */
  box: [number, number, number, number];
  /** The mesh's face confidence, rounded to 2 decimals (Human's `score` / `faceScore`). */
  score: number;
  /** The detector's confidence, rounded to 2 decimals. */
  boxScore: number;
  /** 468 points: x, y in frame pixels (truncated, as Human does), z relative. */
  mesh: Point3[];
  yaw: number;
  pitch: number;
  roll: number;
}

export interface PipelineOptions {
  maxFaces: number;
  /** Detector and mesh confidence below which a face is dropped. */
  minConfidence: number;
}

const DETECTOR_SIZE = 256;
const MESH_SIZE = 192;
/** Human's defaults: overlap at which detections are merged, box enlargement around the face. */
const IOU_THRESHOLD = 0.1;
const BOX_SCALE = 1.4;

/** BlazeFace (back-camera model) anchors: 16x16 cells x 2, then 8x8 cells x 6. */
const ANCHORS: ReadonlyArray<readonly [number, number]> = (() => {
  const out: Array<[number, number]> = [];
  for (const [stride, perCell] of [
    [DETECTOR_SIZE / 16, 2],
    [DETECTOR_SIZE / 8, 6],
  ]) {
    const cells = Math.floor((DETECTOR_SIZE + stride - 1) / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) out.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
      }
    }
  }
  return out;
})();

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const round2 = (v: number): number => Math.round(100 * v) / 100;

/** tfjs' non-max suppression (scores strictly above the threshold, overlap >= iou suppresses). */
function nonMaxSuppression(boxes: Float64Array, scores: Float64Array, max: number, iou: number, minScore: number): number[] {
  const order = [...scores.keys()].filter((i) => scores[i] > minScore).sort((a, b) => scores[b] - scores[a] || a - b);
  const area = (i: number): number => (Math.max(boxes[4 * i], boxes[4 * i + 2]) - Math.min(boxes[4 * i], boxes[4 * i + 2])) * (Math.max(boxes[4 * i + 1], boxes[4 * i + 3]) - Math.min(boxes[4 * i + 1], boxes[4 * i + 3]));
  const overlap = (i: number, j: number): number => {
    const ai = area(i);
    const aj = area(j);
    if (ai <= 0 || aj <= 0) return 0;
    const lo = (k: number, o: number): number => Math.min(boxes[4 * k + o], boxes[4 * k + o + 2]);
    const hi = (k: number, o: number): number => Math.max(boxes[4 * k + o], boxes[4 * k + o + 2]);
    const inter = Math.max(Math.min(hi(i, 0), hi(j, 0)) - Math.max(lo(i, 0), lo(j, 0)), 0) * Math.max(Math.min(hi(i, 1), hi(j, 1)) - Math.max(lo(i, 1), lo(j, 1)), 0);
    return inter / (ai + aj - inter);
  };
  const selected: number[] = [];
  for (const i of order) {
    if (selected.length >= max) break;
    if (selected.every((j) => overlap(i, j) < iou)) selected.push(i);
  }
  return selected;
}

/** Face boxes from BlazeFace on the whole frame, enlarged and squared as Human does. */
async function detectBoxes(frame: RgbFrame, models: FaceModels, opts: PipelineOptions, input: Float32Array): Promise<FaceBox[]> {
  resizeBilinear(frame, DETECTOR_SIZE, DETECTOR_SIZE, { scale: 1 / 127.5, offset: -1 }, input);
  const outputs = Object.values(await models.detector.run(input, DETECTOR_SIZE)).sort((a, b) => a.length - b.length);
  // Outputs by size: scores 384, scores 512, boxes 384x16, boxes 512x16; anchors list the 512 first.
  const [scores384, scores512, regs384, regs512] = outputs;
  const n = ANCHORS.length;
  const boxes = new Float64Array(4 * n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const first = i < 512;
    const regs = first ? regs512 : regs384;
    const r = (first ? i : i - 512) * 16;
    scores[i] = sigmoid((first ? scores512 : scores384)[first ? i : i - 512]);
    const cx = regs[r] + ANCHORS[i][0];
    const cy = regs[r + 1] + ANCHORS[i][1];
    const hw = regs[r + 2] / 2;
    const hh = regs[r + 3] / 2;
    boxes.set([cx - hw, cy - hh, cx + hw, cy + hh], 4 * i);
  }
  const fx = frame.width / DETECTOR_SIZE;
  const fy = frame.height / DETECTOR_SIZE;
  const out: FaceBox[] = [];
  for (const i of nonMaxSuppression(boxes, scores, opts.maxFaces, IOU_THRESHOLD, opts.minConfidence)) {
    if (!(scores[i] > opts.minConfidence)) continue;
    const sx = boxes[4 * i] * fx;
    const sy = boxes[4 * i + 1] * fy;
    const ex = boxes[4 * i + 2] * fx;
    const ey = boxes[4 * i + 3] * fy;
    const cx = sx + (ex - sx) / 2;
    const cy = sy + (ey - sy) / 2;
    // enlargeBox (x1.4 around the centre) then squarifyBox (longer side, rounded corners).
    const w = BOX_SCALE * Math.abs(ex - sx);
    const h = BOX_SCALE * Math.abs(ey - sy);
    const half = Math.max(w, h) / 2;
    if (Math.round(w) > 0 && Math.round(h) > 0) out.push({ startPoint: [Math.round(cx - half), Math.round(cy - half)], endPoint: [Math.round(cx + half), Math.round(cy + half)], confidence: scores[i] });
  }
  return out;
}

/** Human's calculateFaceAngle: yaw, pitch and roll (radians) from four mesh points. */
function faceAngles(mesh: Point3[], boxW: number, boxH: number): { yaw: number; pitch: number; roll: number } {
  // Human scales mesh x, y by the frame size, then divides by a third of the box's larger side...
  const size = Math.max(boxW, boxH) / 1.5;
  const pts = [mesh[10], mesh[152], mesh[234], mesh[454]].map((p) => [p[0] / size, p[1] / size, p[2] / MESH_SIZE] as Point3);
  const sub = (a: Point3, b: Point3): Point3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const norm = (v: Point3): Point3 => {
    const l = Math.hypot(v[0], v[1], v[2]);
    return [v[0] / l, v[1] / l, v[2] / l];
  };
  const cross = (a: Point3, b: Point3): Point3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const yAxis = norm(sub(pts[1], pts[0]));
  let xAxis = norm(sub(pts[3], pts[2]));
  const zAxis = norm(cross(xAxis, yAxis));
  xAxis = cross(yAxis, zAxis);
  const [r00, , , r10, r11, r12, r20, r21, r22] = [...xAxis, ...yAxis, ...zAxis];
  let x: number;
  let y: number;
  let z: number;
  if (r10 < 1) {
    if (r10 > -1) {
      z = Math.atan2(r10, Math.sqrt(r00 * r00 + r20 * r20));
      y = Math.atan2(-r20, r00);
      x = Math.atan2(-r12, r11);
    } else {
      z = -Math.PI / 2;
      y = -Math.atan2(r21, r22);
      x = 0;
    }
  } else {
    z = Math.PI / 2;
    y = Math.atan2(r21, r22);
    x = 0;
  }
  const fix = (v: number): number => (Number.isNaN(v) ? 0 : -v);
  return { pitch: fix(x), yaw: fix(y), roll: fix(z) };
}

const meshCrop = (frame: RgbFrame, box: FaceBox, out: Float32Array): Float32Array =>
  cropAndResize(frame, { x1: box.startPoint[0], y1: box.startPoint[1], x2: box.endPoint[0], y2: box.endPoint[1] }, MESH_SIZE, { scale: 1 / 255, offset: 0 }, out);

/**
 * The mesh on each box. Returns the faces Human would return and the boxes it would track into
 * the next frame: the same size, centred on this frame's landmarks.
 */
async function meshFaces(frame: RgbFrame, boxes: FaceBox[], models: FaceModels, opts: PipelineOptions, crop: Float32Array): Promise<{ faces: DetectedFace[]; next: FaceBox[] }> {
  const faces: DetectedFace[] = [];
  const next: FaceBox[] = [];
  for (const box of boxes) {
    meshCrop(frame, box, crop);
    const out = Object.values(await models.mesh.run(crop, MESH_SIZE));
    const confidence = out.find((t) => t.length === 1);
    const raw = out.find((t) => t.length === 1404);
    if (!confidence || !raw) throw new Error('face mesh model returned unexpected outputs');
    const score = round2(confidence[0]);
    if (score < opts.minConfidence) continue;
    const bw = Math.abs(box.endPoint[0] - box.startPoint[0]);
    const bh = Math.abs(box.endPoint[1] - box.startPoint[1]);
    const cx = box.startPoint[0] + (box.endPoint[0] - box.startPoint[0]) / 2;
    const cy = box.startPoint[1] + (box.endPoint[1] - box.startPoint[1]) / 2;
    const mesh: Point3[] = [];
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < 468; i++) {
      const x = Math.trunc((bw / MESH_SIZE) * (raw[3 * i] - MESH_SIZE / 2) + cx);
      const y = Math.trunc((bh / MESH_SIZE) * (raw[3 * i + 1] - MESH_SIZE / 2) + cy);
      mesh.push([x, y, Math.trunc(raw[3 * i + 2])]);
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    const mx = minX + (maxX - minX) / 2;
    const my = minY + (maxY - minY) / 2;
    const tracked: FaceBox = { startPoint: [mx - bw / 2, my - bh / 2], endPoint: [mx + bw / 2, my + bh / 2], confidence: box.confidence };
    next.push(tracked);
    if (!(score > opts.minConfidence)) continue;
    const [sx, sy] = tracked.startPoint;
    const [ex, ey] = tracked.endPoint;
    const box4: DetectedFace['box'] = [
      Math.trunc(Math.max(0, sx)),
      Math.trunc(Math.max(0, sy)),
      Math.trunc(Math.min(frame.width, ex) - Math.max(0, sx)),
      Math.trunc(Math.min(frame.height, ey) - Math.max(0, sy)),
    ];
    faces.push({ box: box4, score, boxScore: round2(box.confidence), mesh, ...faceAngles(mesh, ex - sx, ey - sy) });
  }
  return { faces, next };
}

/**
 * Detector and mesh on frames, with the model inputs' buffers reused from frame
 * to frame (one instance per sequence of frames: a run's input must not change under it).
 */
export class FacePipeline {
  private readonly detectorInput = new Float32Array(DETECTOR_SIZE * DETECTOR_SIZE * 3);
  private readonly meshInput = new Float32Array(MESH_SIZE * MESH_SIZE * 3);

  constructor(
    private readonly models: FaceModels,
    private readonly opts: PipelineOptions,
  ) {}

  detect(frame: RgbFrame): Promise<FaceBox[]> {
    return detectBoxes(frame, this.models, this.opts, this.detectorInput);
  }

  mesh(frame: RgbFrame, boxes: FaceBox[]): Promise<{ faces: DetectedFace[]; next: FaceBox[] }> {
    return meshFaces(frame, boxes, this.models, this.opts, this.meshInput);
  }
}
