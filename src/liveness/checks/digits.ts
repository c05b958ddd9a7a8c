import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';

/** -5008: the spoken digits are not the challenge. Never passes without a verdict from the speech stage. */
export function checkDigits(ev: Evidence): CheckOutcome {
  if (!ev.digits) return notRun('digits', ev.invalidReason ? 'the video is not valid' : 'no audio to recognise');
  const ms = ev.stageMs.digits ?? 0;
  if ('error' in ev.digits) {
    return { report: { name: 'digits', passed: null, score: null, threshold: null, ms, message: `speech stage unavailable: ${ev.digits.error}`, extra: { missingStage: 'speech' } } };
  }
  const v = ev.digits.verdict;
  const report = {
    name: 'digits' as const,
    score: round(v.score),
    threshold: v.threshold,
    ms,
    extra: {
      recognized: v.recognized,
      language: v.language,
      perDigit: v.perDigit.map((p) => round(p)),
      segments: v.segments,
      // The two readings behind the score: the digit model's margin, and the Mandarin second
      // reading (run when the model alone did not accept, or to confirm a Mandarin acceptance).
      modelScore: v.modelScore,
      mandarin: v.mandarin,
      mandarinFit: v.mandarinFit,
    },
  };
  const by = v.mandarin?.accepted ? ', by the Mandarin second reading' : '';
  if (v.mandarinFit && !v.mandarinFit.held) {
    return { report: { ...report, passed: false, message: `heard "${v.recognized}", but the Mandarin acoustic model finds no such digits in the sound (fit ${v.mandarinFit.fit} < ${v.mandarinFit.minFit})` }, error: 'DIGITS_MISMATCH' };
  }
  if (!v.accepted) return { report: { ...report, passed: false, message: `heard "${v.recognized}"` }, error: 'DIGITS_MISMATCH' };
  return { report: { ...report, passed: true, message: `heard "${v.recognized}" (${v.language}${by})` } };
}
