import type { ErrorName } from '../core/errors.js';
import type { CheckName, CheckReport } from '../core/inference.js';
import type { AudioAnalysis } from '../audio/index.js';
import type { VideoInfo } from '../media/index.js';
import type { AttackScores, TrackResult } from '../vision/index.js';
import type { DigitVerdict } from './digits-stage.js';

/** Everything the checks judge, gathered by verifyVideo; a missing part means its stage failed. */
export interface Evidence {
  info: VideoInfo | null;
  /** Why the video could not be used at all (-5001), when it could not. */
  invalidReason: string | null;
  pcm: Float32Array | null;
  audio: AudioAnalysis | null;
  track: TrackResult | null;
  fps: number;
  attack: AttackScores | null;
  digits: { verdict: DigitVerdict } | { error: string } | null;
  /** Milliseconds of the stage each check's evidence came from. */
  stageMs: Partial<Record<CheckName, number>>;
}

/** A check's report plus the SPEC outcome it stands for when it failed. */
export interface CheckOutcome {
  report: CheckReport;
  error?: ErrorName;
}

export function notRun(name: CheckName, why: string): CheckOutcome {
  return { report: { name, passed: null, score: null, threshold: null, ms: 0, message: `not run: ${why}` } };
}

export const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;
