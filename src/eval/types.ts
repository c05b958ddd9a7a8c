import type { CheckName } from '../core/inference.js';

/** Every attack (presentation attack instrument species) the harness generates or finds. */
export const ATTACK_TYPES = [
  'wrong-digits',
  'dubbing',
  'dubbed-digits',
  'replayed-voice',
  'audio-shift-0.5s',
  'audio-shift-1s',
  'still-photo',
  'warped-photo',
  'no-audio',
  'silent-audio',
  'low-resolution',
  'heavy-reencode',
  'screen-recapture',
  'screen-replay',
  'phone-replay',
  'print-photo',
  'real-print-photo',
  'real-screen-photo',
] as const;

export type AttackType = (typeof ATTACK_TYPES)[number];

export const CHECK_NAMES: readonly CheckName[] = ['video', 'audio', 'face', 'mouth', 'digits', 'sync', 'presentation'];

/** One video presented to the pipeline. */
export interface EvalCase {
  id: string;
  /** Bona fide presentation or attack. */
  kind: 'genuine' | 'attack';
  attack?: AttackType;
  videoPath: string;
  /** The challenge given to the pipeline with this video. */
  digits: string;
  /** Checks whose verdict decides this case; the others are reported but not counted. */
  judgedBy: CheckName[];
  /** Checks designed to catch this attack (empty for genuine cases); used by the per-check curves. */
  targets: CheckName[];
  /** Real files the case was built from, relative to the data dir. */
  sources: string[];
}

/** A check's verdict as kept in metrics.json. */
export interface CheckOutcome {
  name: CheckName;
  passed: boolean | null;
  score: number | null;
  threshold: number | null;
  message: string;
  /** The check's own measurements (e.g. the presentation models' per-frame scores). */
  extra?: Record<string, unknown>;
}

export interface CaseResult {
  id: string;
  kind: 'genuine' | 'attack';
  attack?: AttackType;
  judgedBy: CheckName[];
  targets: CheckName[];
  sources: string[];
  checks: CheckOutcome[];
  /** The pipeline's own overall answer (live_status / live_msg), digits included. */
  live: { status: number; msg: string } | null;
  /** Set when the pipeline threw instead of answering; counted as not accepted. */
  error?: string;
  ms: number;
}

/** A single photo presented to the picture-liveness path (livedetectpicture). */
/** Where a bona fide photo comes from: BPCER is reported per set. */
export type PictureSet = 'selfie' | 'clip-frame' | 'face-photo' | 'face-crop';

export interface PictureResult {
  id: string;
  kind: 'genuine' | 'attack';
  attack?: AttackType;
  set?: PictureSet;
  /** A grey copy of a colour photo, reported apart from the photos as they are (see greyscalePhoto). */
  greyscale?: boolean;
  source: string;
  score: number | null;
  /** Live when score is above this (SPEC: 87). */
  threshold: number;
  /** What the picture-liveness stage measured (e.g. the models' live probability). */
  details?: Record<string, unknown>;
  error?: string;
}
