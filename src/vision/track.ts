import type { RgbFrame } from '../core/frames.js';
import { getFaceModels } from './face-models.js';
import { FacePipeline, type DetectedFace, type FaceBox } from './face-pipeline.js';
import { regionChange, regionStats, type Box } from './image-stats.js';
import { lipHeight, mouthOpening, mouthShape, type MouthShape } from './mouth.js';
import { padCrops, type PadCrop } from './pad-crop.js';

/** What the tracker keeps of one frame's main face. */
export interface FaceObservation {
  t: number;
  /** Faces detected in the frame (the main one is the largest). */
  faceCount: number;
  score: number;
  box: Box;
  /** Inner-lip gap over mouth width; null when the mesh has no usable mouth. */
  mouth: number | null;
  /** Outer lip height over mouth width (the lip-sync signal); null without a usable mouth. */
  lips: number | null;
  /** Mouth width, height and inner gap over the eye distance (per-digit shape); null without a mouth. */
  shape: MouthShape | null;
  yaw: number;
  pitch: number;
  sharpness: number;
  brightness: number;
  /** Frame quality for picking the best frame (sharp, frontal, well lit, confident). */
  quality: number;
  /** Luma change in the face box since the previous frame (0-1); null on the first frame. */
  change: number | null;
}

export interface KeptFrame {
  frame: RgbFrame;
  face: FaceObservation;
}

export interface TrackResult {
  frameCount: number;
  width: number;
  height: number;
  /** One entry per analysed frame, null when no face was found in it. */
  faces: Array<FaceObservation | null>;
  /** The best frames by quality, best first, with their pixels. */
  best: KeptFrame[];
  /** Presentation-attack crops of frames spread over the clip (TrackOptions.padEverySec). */
  pad: PadCrop[];
  ms: number;
}

export interface TrackOptions {
  minFaceScore: number;
  keepBest: number;
  /** Run the face detector on every n-th frame (and after any frame without a face); 1 = always. */
  keyframeEvery: number;
  /** Make presentation-attack crops of the first face frame at or after every this many seconds. */
  padEverySec?: number;
}

/** Detector settings of the video pipeline (Human's, as the thresholds were measured with them). */
export const FACE_DETECTION = { maxFaces: 3, minConfidence: 0.5 } as const;

/** A pipeline for one sequence of frames, on this thread's models. */
export async function facePipeline(): Promise<FacePipeline> {
  return new FacePipeline(await getFaceModels(), FACE_DETECTION);
}

/** The faces in one still frame (detector and mesh), as a keyframe of the video pipeline finds them. */
export async function detectFaces(frame: RgbFrame): Promise<DetectedFace[]> {
  const pipeline = await facePipeline();
  return (await pipeline.mesh(frame, await pipeline.detect(frame))).faces;
}

const area = (f: DetectedFace): number => f.box[2] * f.box[3];

/** The faces the tracker trusts and the largest of them (the subject). */
function subject(faces: DetectedFace[], minScore: number): { main: DetectedFace; count: number } | null {
  const usable = faces.filter((f) => f.score >= minScore && f.mesh.length >= 468);
  return usable.length === 0 ? null : { main: usable.reduce((a, b) => (area(b) > area(a) ? b : a)), count: usable.length };
}

function observe(frame: RgbFrame, previous: RgbFrame | null, main: DetectedFace, count: number): FaceObservation {
  const box = { x: main.box[0], y: main.box[1], width: main.box[2], height: main.box[3] };
  const stats = regionStats(frame, box);
  const { yaw, pitch } = main;
  const frontal = Math.max(0, Math.cos(yaw) * Math.cos(pitch));
  const light = Math.max(0, 1 - 2 * Math.abs(stats.brightness - 0.5));
  const sharp = stats.sharpness / (stats.sharpness + 50);
  return {
    t: frame.t,
    faceCount: count,
    score: main.score,
    box,
    mouth: mouthOpening(main.mesh),
    lips: lipHeight(main.mesh),
    shape: mouthShape(main.mesh),
    change: previous ? regionChange(previous, frame, box) : null,
    yaw,
    pitch,
    sharpness: stats.sharpness,
    brightness: stats.brightness,
    quality: main.score * frontal * (0.3 + 0.7 * light) * (0.3 + 0.7 * sharp),
  };
}

/**
 * Detects the face and its mesh in every frame as the frames arrive (decoding and analysis
 * overlap), keeping only the few best frames' pixels so memory stays bounded.
 */
export async function trackFaces(frames: AsyncIterable<RgbFrame>, opts: TrackOptions): Promise<TrackResult> {
  const start = performance.now();
  const faces: Array<FaceObservation | null> = [];
  const best: KeptFrame[] = [];
  const pad: PadCrop[] = [];
  let nextPadT = -Infinity;
  let width = 0;
  let height = 0;
  let previous: RgbFrame | null = null;
  let sinceKeyframe = 0;
  const pipeline = await facePipeline();
  let boxes: FaceBox[] = [];
  for await (const frame of frames) {
    width = frame.width;
    height = frame.height;
    const keyframe = boxes.length === 0 || faces[faces.length - 1] === null || sinceKeyframe + 1 >= opts.keyframeEvery;
    sinceKeyframe = keyframe ? 0 : sinceKeyframe + 1;
    if (keyframe) boxes = await pipeline.detect(frame);
    const found = await pipeline.mesh(frame, boxes);
    boxes = found.next;
    const seen = subject(found.faces, opts.minFaceScore);
    const face = seen ? observe(frame, previous, seen.main, seen.count) : null;
    faces.push(face);
    if (seen && opts.padEverySec && frame.t >= nextPadT) {
      pad.push(padCrops(frame, seen.main.mesh));
      nextPadT = frame.t + opts.padEverySec - 1e-6;
    }
    previous = frame;
    if (face && (best.length < opts.keepBest || face.quality > best[best.length - 1].face.quality)) {
      best.push({ frame, face });
      best.sort((a, b) => b.face.quality - a.face.quality);
      best.length = Math.min(best.length, opts.keepBest);
    }
  }
  return { frameCount: faces.length, width, height, faces, best, pad, ms: performance.now() - start };
}

/**
 * Joins the tracks of two consecutive parts of one video (tracked on two threads): the first
 * part is cut or padded to exactly `splitFrame` frames so that frame i of the result is at i/fps.
 */
export function joinTracks(first: TrackResult, second: TrackResult, splitFrame: number, fps: number, keepBest: number): TrackResult {
  const head = first.faces.slice(0, splitFrame);
  while (head.length < splitFrame) head.push(null);
  const splitSec = splitFrame / fps;
  const best = [...first.best.filter((k) => k.frame.t < splitSec - 0.5 / fps), ...second.best]
    .sort((a, b) => b.face.quality - a.face.quality)
    .slice(0, keepBest);
  const faces = [...head, ...second.faces];
  const pad = [...first.pad.filter((p) => p.t < splitSec - 0.5 / fps), ...second.pad];
  return { frameCount: faces.length, width: first.width || second.width, height: first.height || second.height, faces, best, pad, ms: Math.max(first.ms, second.ms) };
}
