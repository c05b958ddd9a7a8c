import type { Thresholds } from '../../config/index.js';
import { faceChange } from '../../vision/index.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

/**
 * -5016: not a live presentation. Two signals: Human's antispoof model on the best frames
 * (weak on its own, see docs/pipeline.md) and the change of the face's pixels over time (a
 * still picture or a frozen frame changes only by codec noise).
 */
export function checkPresentation(ev: Evidence, th: Thresholds): CheckOutcome {
  if (!ev.track) return notRun('presentation', 'no frames were decoded');
  if (!ev.attack || ev.attack.antispoof.length === 0) return notRun('presentation', 'no face to judge');
  const t = th.presentation;
  const antispoof = mean(ev.attack.antispoof);
  const motion = faceChange(ev.track.faces);
  const extra = {
    antispoof: round(antispoof),
    live: ev.attack.live.length > 0 ? round(mean(ev.attack.live)) : null,
    faceChange: motion === null ? null : round(motion, 5),
    minFaceChange: t.minFaceChange,
  };
  const report = { name: 'presentation' as const, score: round(antispoof), threshold: t.minAntispoof, ms: ev.stageMs.presentation ?? 0, extra };
  if (motion !== null && motion < t.minFaceChange) {
    return { report: { ...report, passed: false, message: `the face does not change (${motion.toFixed(5)} < ${t.minFaceChange})` }, error: 'NOT_LIVE' };
  }
  if (antispoof < t.minAntispoof) {
    return { report: { ...report, passed: false, message: `antispoof score ${antispoof.toFixed(3)} < ${t.minAntispoof}` }, error: 'NOT_LIVE' };
  }
  return { report: { ...report, passed: true, message: `antispoof ${antispoof.toFixed(3)}, face change ${(motion ?? 0).toFixed(4)}` } };
}
