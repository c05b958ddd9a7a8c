import type { ErrorName } from './errors.js';

/**
 * The narrow interface between the HTTP/CLI layer and the inference workers.
 * The API never touches frames, audio or models: it hands over files and buffers and
 * gets back outcomes, scores and timings. Implemented by src/workers (a pool of worker
 * threads); the CLI uses the same implementation in-process or through the pool.
 */

export type CheckName = 'video' | 'audio' | 'face' | 'mouth' | 'digits' | 'sync' | 'presentation';

export interface CheckReport {
  name: CheckName;
  /** null when the check could not run (its input was missing). */
  passed: boolean | null;
  score: number | null;
  threshold: number | null;
  ms: number;
  message: string;
  /** Extra measurements a check wants to show (e.g. heard digits, lag in ms). */
  extra?: Record<string, unknown>;
}

/** A face template as stored in the identity registry. */
export interface FaceTemplate {
  model: string;
  embedding: number[];
}

export type FaceReference = { kind: 'image'; data: Uint8Array } | { kind: 'template'; template: FaceTemplate };

export interface VideoVerifyRequest {
  /** Path of the uploaded video, written by the API into its temp dir. */
  videoPath: string;
  /** The challenge digits the user was asked to read. */
  digits: string;
  /** Present when the caller asked for a face comparison (compare_flag / idcard). */
  reference?: FaceReference;
}

export interface Outcome {
  status: number;
  msg: string;
  name: ErrorName | 'OK';
}

export interface VideoVerifyResult {
  live: Outcome;
  checks: CheckReport[];
  /** Present when a reference was given. */
  compare?: Outcome & { sim?: number };
  /** JPEG of the best face frame (most similar to the reference when there is one). */
  photoJpeg?: Uint8Array;
  timingsMs: Record<string, number>;
}

export type EmbedResult = { ok: true; template: FaceTemplate } | { ok: false; error: ErrorName };

export interface PhotoCompareResult {
  ok: boolean;
  error?: ErrorName;
  /** 0-100, same scale as livedetectfour's sim. */
  similarity?: number;
}

export interface PictureLivenessResult {
  ok: boolean;
  error?: ErrorName;
  /** 0-100, above 87 = live (SPEC). */
  score?: number;
  details?: Record<string, unknown>;
}

export interface Inference {
  verifyVideo(req: VideoVerifyRequest): Promise<VideoVerifyResult>;
  /** Face template of a photo; role picks the error codes (card: -4017/-4018/-4009; photo: -4011/-4012). */
  embedPhoto(image: Uint8Array, role: 'card' | 'photo'): Promise<EmbedResult>;
  comparePhoto(image: Uint8Array, template: FaceTemplate): Promise<PhotoCompareResult>;
  pictureLiveness(image: Uint8Array): Promise<PictureLivenessResult>;
  close(): Promise<void>;
}

/** Thrown by an Inference implementation when its queue is full (API answers SERVER_BUSY). */
export class InferenceBusyError extends Error {
  constructor() {
    super('inference queue is full');
  }
}
