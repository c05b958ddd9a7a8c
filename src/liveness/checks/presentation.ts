import type { Thresholds } from '../../config/index.js';
import { faceChange } from '../../vision/index.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';

/**
 * -5016: not a live presentation. Two signals:
 * - the Silent-Face presentation-attack models (print and replay, with the face's surroundings
 *   in view) on frames spread over the clip, fused as the mean of the per-frame live
 *   probabilities (docs/pipeline.md: why the mean, and the figures behind the threshold);
 * - the change of the face's pixels over time: a still picture or a frozen frame changes only
 *   by codec noise, which no single-frame model can see.
 */
export function checkPresentation(ev: Evidence, th: Thresholds): CheckOutcome {
  if (!ev.track) return notRun('presentation', 'no frames were decoded');
  if (!ev.attack || ev.attack.pad.length === 0) return notRun('presentation', 'no face to judge');
  const t = th.presentation;
  const frames = ev.attack.pad;
  const live = frames.reduce((s, f) => s + f.live, 0) / frames.length;
  const motion = faceChange(ev.track.faces);
  const extra = {
    live: round(live),
    // faceLuma: how dim the face was before its crops were scaled to one exposure, for whoever reads a refusal.
    frames: frames.map((f) => ({ t: round(f.t, 2), live: round(f.live), v2: round(f.v2), v1se: round(f.v1se), ...(f.faceLuma === undefined ? {} : { faceLuma: round(f.faceLuma, 1) }) })),
    faceChange: motion === null ? null : round(motion, 5),
    minFaceChange: t.minFaceChange,
  };
  const report = { name: 'presentation' as const, score: round(live), threshold: t.minLive, ms: ev.stageMs.presentation ?? 0, extra };
  if (motion !== null && motion < t.minFaceChange) {
    return { report: { ...report, passed: false, message: `the face does not change (${motion.toFixed(5)} < ${t.minFaceChange})` }, error: 'NOT_LIVE' };
  }
  if (live < t.minLive) {
    return { report: { ...report, passed: false, message: `presentation-attack models: live ${live.toFixed(3)} < ${t.minLive} over ${frames.length} frames` }, error: 'NOT_LIVE' };
  }
  return { report: { ...report, passed: true, message: `live ${live.toFixed(3)} over ${frames.length} frames, face change ${(motion ?? 0).toFixed(4)}` } };
}
