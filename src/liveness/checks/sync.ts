import type { Thresholds } from '../../config/index.js';
import { digitSync, type DigitSyncResult } from '../digit-sync.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';
import { pauseMotion } from '../pause-motion.js';
import { fillGaps, syncScore } from '../sync-score.js';
import { mouthRange } from './mouth.js';

/** One rule of the lip-sync decision, as reported in the check's `extra.parts`. */
interface SyncPart {
  part: 'level' | 'onsetLead' | 'levelLead' | 'pauses' | 'digits';
  score: number | null;
  threshold: number;
  /** null: the rule had nothing to judge (too few pause frames; digits not heard). */
  passed: boolean | null;
  message: string;
}

/** Digits whose lips must match, out of n: at least `share` of them, and at least one. */
export const digitsRequired = (n: number, share: number): number => Math.max(1, Math.ceil(share * n - 1e-9));

function digitEvidence(ev: Evidence, th: Thresholds, lagSec: number): DigitSyncResult | null {
  if (!ev.digits || !('verdict' in ev.digits) || !ev.digits.verdict.accepted || !ev.track || !ev.audio) return null;
  const t = th.sync;
  return digitSync(
    {
      segments: ev.digits.verdict.segments,
      language: ev.digits.verdict.language,
      faces: ev.track.faces,
      fps: ev.fps,
      envelope: ev.audio.bandEnvelope,
      envelopeRate: ev.audio.envelopeRate,
      lagSec,
    },
    { minOpenHeight: t.minOpenHeight, maxRoundedWidth: t.maxRoundedWidth, minSpreadWidth: t.minSpreadWidth },
  );
}

const ms = (sec: number): number => Math.round(sec * 1000);

function digitDetails(d: DigitSyncResult): unknown[] {
  return d.digits.map((x) => ({
    digit: x.digit,
    soundMs: [ms(x.sound.onsetSec), ms(x.sound.peakSec), ms(x.sound.endSec)],
    mouthMs: x.mouth ? [ms(x.mouth.onsetSec), ms(x.mouth.peakSec)] : null,
    rise: round(x.rise),
    onsetGapMs: x.onsetGapSec === null ? null : ms(x.onsetGapSec),
    vowel: x.shape.expected,
    height: round(x.shape.height),
    width: round(x.shape.width),
    shapeFits: x.shape.fits,
    labial: x.labial.expected,
    closure: x.labial.closure === null ? null : round(x.labial.closure),
    matched: x.matched,
  }));
}

/**
 * -5002: the mouth movement does not follow the speech (dubbed, replayed or shifted audio,
 * or a still picture with sound). Whole-clip rules: the level correlation, the two lead rules
 * (audio out of sync), and the mouth resting in the pauses of the speech. When the speech
 * stage heard the challenge digits, also per digit: the mouth opens for each digit's syllable
 * in the shape of its vowel (digit-sync.ts). Every rule is reported in `extra.parts`; the
 * first that fails decides the message. A mouth that does not move scores 0 rather than
 * whatever correlation its jitter happens to have.
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
  const parts: SyncPart[] = [
    {
      part: 'level',
      score: round(score),
      threshold: t.minScore,
      passed: score >= t.minScore,
      message: s ? `lip-sync score ${score.toFixed(3)} < ${t.minScore}` : 'the mouth does not move with the speech',
    },
  ];
  if (s) {
    const onsetLead = s.onsetOutside - s.onset;
    const levelLead = s.outside - s.score;
    parts.push(
      {
        part: 'onsetLead',
        score: round(onsetLead),
        threshold: t.maxOnsetLead,
        passed: onsetLead <= t.maxOnsetLead,
        message: `the speech onsets fit the mouth movement better ${ms(s.onsetOutsideLagSec)} ms away (${s.onsetOutside.toFixed(3)} vs ${s.onset.toFixed(3)}): out of sync`,
      },
      {
        part: 'levelLead',
        score: round(levelLead),
        threshold: t.maxLevelLead,
        passed: levelLead <= t.maxLevelLead,
        message: `the speech loudness fits the mouth movement better ${ms(s.outsideLagSec)} ms away (${s.outside.toFixed(3)} vs ${s.score.toFixed(3)}): out of sync`,
      },
    );
  }
  const height = fillGaps(ev.track.faces.map((f) => f?.shape?.height ?? null));
  const pause = height ? pauseMotion(height, ev.fps, ev.audio.segments) : null;
  parts.push({
    part: 'pauses',
    score: pause?.ratio == null ? null : round(pause.ratio),
    threshold: t.maxPauseMotion,
    passed: pause?.ratio == null ? null : pause.ratio <= t.maxPauseMotion,
    message: `the mouth keeps moving while the voice pauses (${(pause?.ratio ?? 0).toFixed(2)} of its movement during speech > ${t.maxPauseMotion})`,
  });
  const digits = digitEvidence(ev, th, s?.lagSec ?? 0);
  const required = digits ? digitsRequired(digits.digits.length, t.minDigitShare) : 0;
  parts.push({
    part: 'digits',
    score: digits ? digits.matched : null,
    threshold: required,
    passed: digits ? digits.matched >= required : null,
    message: digits ? `the lips match ${digits.matched} of ${digits.digits.length} digits, fewer than ${required}` : '',
  });

  const report = {
    name: 'sync' as const,
    score: round(score),
    threshold: t.minScore,
    ms: Math.round(performance.now() - start),
    extra: {
      ...(s
        ? {
            lagMs: ms(s.lagSec),
            outsideScore: round(s.outside),
            outsideLagMs: ms(s.outsideLagSec),
            onsetScore: round(s.onset),
            onsetOutsideScore: round(s.onsetOutside),
            onsetOutsideLagMs: ms(s.onsetOutsideLagSec),
            frames: s.frames,
          }
        : {}),
      parts: parts.map(({ part, score: v, threshold, passed }) => ({ part, score: v, threshold, passed })),
      digits: digits ? digitDetails(digits) : null,
    },
  };
  const failed = parts.find((p) => p.passed === false);
  if (failed) return { report: { ...report, passed: false, message: failed.message }, error: 'LIP_READING_FAILED' };
  const perDigit = digits ? `, lips match ${digits.matched} of ${digits.digits.length} digits` : '';
  return { report: { ...report, passed: true, message: `mouth follows the speech (lag ${ms(s?.lagSec ?? 0)} ms)${perDigit}` } };
}
