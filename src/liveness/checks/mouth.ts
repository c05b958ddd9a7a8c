import type { Thresholds } from '../../config/index.js';
import type { FaceObservation } from '../../vision/index.js';
import type { SpeechSegment } from '../../audio/index.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

const during = (t: number, segments: SpeechSegment[]): boolean => segments.some((s) => t >= s.start - 0.2 && t <= s.end + 0.2);

/**
 * Spread of the mouth opening (90th minus 10th percentile of inner-lip gap over mouth width),
 * measured while speech is heard when there is speech, else over the whole video.
 */
export function mouthRange(faces: ReadonlyArray<FaceObservation | null>, segments: SpeechSegment[] | null): number | null {
  const all = faces.filter((f): f is FaceObservation => f !== null && f.mouth !== null);
  const speaking = segments && segments.length > 0 ? all.filter((f) => during(f.t, segments)) : all;
  const use = speaking.length >= 3 ? speaking : all;
  if (use.length < 3) return null;
  const v = use.map((f) => f.mouth as number).sort((a, b) => a - b);
  return quantile(v, 0.9) - quantile(v, 0.1);
}

/** -5010: the lips do not move, or barely open, while the person should be speaking. */
export function checkMouth(ev: Evidence, th: Thresholds): CheckOutcome {
  if (!ev.track) return notRun('mouth', 'no frames were decoded');
  const range = mouthRange(ev.track.faces, ev.audio?.segments ?? null);
  const threshold = th.mouth.minOpeningRange;
  if (range === null) {
    return { report: { name: 'mouth', passed: false, score: null, threshold, ms: 0, message: 'no mouth found in enough frames' }, error: 'NO_FACE_OR_MOUTH' };
  }
  const report = { name: 'mouth' as const, score: round(range), threshold, ms: 0 };
  if (range < threshold) {
    return { report: { ...report, passed: false, message: `mouth opening varied by ${range.toFixed(3)} of its width, below ${threshold}` }, error: 'LIPS_STILL' };
  }
  return { report: { ...report, passed: true, message: `mouth opening varied by ${range.toFixed(3)} of its width` } };
}
