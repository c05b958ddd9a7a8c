import type { Thresholds } from '../../config/index.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';
import { syncScore } from '../sync-score.js';
import { mouthRange } from './mouth.js';

/**
 * -5002: the mouth movement does not follow the speech (dubbed, replayed or shifted audio,
 * or a still picture with sound). A mouth that does not move scores 0 rather than whatever
 * correlation its jitter happens to have.
 */
export function checkSync(ev: Evidence, th: Thresholds): CheckOutcome {
  if (!ev.track) return notRun('sync', 'no frames were decoded');
  if (!ev.audio) return notRun('sync', 'no audio');
  const start = performance.now();
  const t = th.sync;
  const range = mouthRange(ev.track.faces, ev.audio.segments);
  const s =
    range !== null && range >= th.mouth.minOpeningRange
      ? syncScore({
          mouth: ev.track.faces.map((f) => f?.lips ?? null),
          fps: ev.fps,
          envelope: ev.audio.bandEnvelope,
          envelopeRate: ev.audio.envelopeRate,
          maxLagSec: t.maxLagSec,
          searchSec: t.searchSec,
        })
      : null;
  const score = s?.score ?? 0;
  const report = {
    name: 'sync' as const,
    score: round(score),
    threshold: t.minScore,
    ms: Math.round(performance.now() - start),
    extra: s
      ? {
          lagMs: Math.round(s.lagSec * 1000),
          outsideScore: round(s.outside),
          outsideLagMs: Math.round(s.outsideLagSec * 1000),
          onsetScore: round(s.onset),
          onsetOutsideScore: round(s.onsetOutside),
          onsetOutsideLagMs: Math.round(s.onsetOutsideLagSec * 1000),
          frames: s.frames,
        }
      : undefined,
  };
  if (score < t.minScore) {
    const why = s ? `lip-sync score ${score.toFixed(3)} < ${t.minScore}` : 'the mouth does not move with the speech';
    return { report: { ...report, passed: false, message: why }, error: 'LIP_READING_FAILED' };
  }
  if (s && s.onsetOutside > s.onset + t.maxOnsetLead) {
    const why = `the speech onsets fit the mouth movement better ${Math.round(s.onsetOutsideLagSec * 1000)} ms away (${s.onsetOutside.toFixed(3)} vs ${s.onset.toFixed(3)}): out of sync`;
    return { report: { ...report, passed: false, message: why }, error: 'LIP_READING_FAILED' };
  }
  if (s && s.outside > s.score + t.maxLevelLead) {
    const why = `the speech loudness fits the mouth movement better ${Math.round(s.outsideLagSec * 1000)} ms away (${s.outside.toFixed(3)} vs ${s.score.toFixed(3)}): out of sync`;
    return { report: { ...report, passed: false, message: why }, error: 'LIP_READING_FAILED' };
  }
  return { report: { ...report, passed: true, message: `mouth follows the speech (lag ${Math.round((s?.lagSec ?? 0) * 1000)} ms)` } };
}
