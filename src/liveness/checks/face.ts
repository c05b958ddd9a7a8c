import type { Thresholds } from '../../config/index.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';

/** Share of frames with a usable face: -5009 (almost) none, -5005 too few. Score: the share. */
export function checkFace(ev: Evidence, th: Thresholds): CheckOutcome {
  if (!ev.track) return notRun('face', 'no frames were decoded');
  const t = th.face;
  const { faces, frameCount } = ev.track;
  const withFace = faces.filter((f) => f !== null);
  const withMouth = withFace.filter((f) => f.mouth !== null);
  const share = frameCount > 0 ? withMouth.length / frameCount : 0;
  const multi = withFace.filter((f) => f.faceCount > 1).length;
  const extra = { frames: frameCount, framesWithFace: withFace.length, framesWithSeveralFaces: multi };
  const report = { name: 'face' as const, score: round(share), threshold: t.minFaceShare, ms: ev.stageMs.face ?? 0, extra };
  if (share < t.minAnyFaceShare) {
    return { report: { ...report, passed: false, message: `a face with a mouth in ${withMouth.length} of ${frameCount} frames` }, error: 'NO_FACE_OR_MOUTH' };
  }
  if (share < t.minFaceShare) {
    return { report: { ...report, passed: false, message: `a face in ${withMouth.length} of ${frameCount} frames` }, error: 'TOO_FEW_FACES' };
  }
  const several = multi > 0 ? `; several faces in ${multi} frames, the largest was used` : '';
  return { report: { ...report, passed: true, message: `a face in ${withMouth.length} of ${frameCount} frames${several}` } };
}
