import { proportion, type Proportion } from '../metrics.js';
import { round, share } from './numbers.js';
import { PACES } from './strings.js';
import type { Judged, JudgedCase, LanguageFigures, VoiceFigures } from './types.js';
import type { Lang } from './voices.js';

/** What a judged voice, and a language's voices pooled, show at their thresholds. */
export function figures(s: Judged, threshold: number, thresholdFrom: VoiceFigures['thresholdFrom']): VoiceFigures {
  const ok = (x: number): boolean => x > threshold;
  const garBy: Record<string, number> = {};
  for (const pace of PACES) garBy[pace] = round(share(s.cases.filter((c) => c.pace === pace).map((c) => c.genuine), ok));
  for (const ch of ['clean', 'phone'] as const) garBy[ch] = round(share(s.cases.filter((c) => c.channel === ch).map((c) => c.genuine), ok));
  const imp = s.cases.flatMap((c) => c.impostors);
  const whole = s.cases.filter((c) => !s.cutDigits.some((d) => c.digits.includes(String(d))));
  return {
    id: s.voice.id,
    lang: s.voice.lang,
    sex: s.voice.sex,
    accent: s.voice.accent,
    fold: s.fold,
    threshold: round(threshold, 3),
    mandarinThreshold: round(threshold + s.at.zhExtra, 3),
    hmmMinMargin: s.at.floor,
    hmmMaxWarp: s.at.maxWarp,
    thresholdFrom,
    readings: s.cases.length,
    gar: round(share(s.cases.map((c) => c.genuine), ok)),
    garBy,
    far: round(share(imp, ok)),
    impostors: imp.length,
    nonDigitTrials: s.nonDigit.length,
    nonDigitAccepted: s.nonDigit.filter(ok).length,
    nonDigitRecordings: s.nonDigitRecordings,
    nonDigitHeardFour: s.nonDigitHeard.length,
    nonDigitHeardAccepted: s.nonDigitHeard.filter(ok).length,
    missingTrials: s.missing.length,
    missingAccepted: s.missing.filter(ok).length,
    silentTakes: s.silentTakes,
    cutTakes: s.cutTakes,
    cutDigits: s.cutDigits,
    wholeReadings: whole.length,
    wholeGar: whole.length === 0 ? null : round(share(whole.map((c) => c.genuine), ok)),
  };
}

export function languageFigures(voices: VoiceFigures[], scored: Judged[], lang: Lang): LanguageFigures | undefined {
  const vs = voices.filter((v) => v.lang === lang);
  if (vs.length === 0) return undefined;
  const worst = vs.reduce((a, b) => (b.gar < a.gar ? b : a));
  const withWhole = vs.filter((v) => v.wholeGar !== null).map((v) => ({ id: v.id, gar: v.wholeGar ?? 0 }));
  const whole = withWhole.length === 0 ? null : {
    voices: withWhole.length,
    meanGar: round(withWhole.reduce((a, v) => a + v.gar, 0) / withWhole.length),
    worst: withWhole.reduce((a, b) => (b.gar < a.gar ? b : a)),
    voicesWithout: vs.length - withWhole.length,
  };
  /** How many of the picked scores pass their voice's threshold, pooled over the voices. */
  const accepted = (pick: (s: Judged) => number[]): Proportion => {
    let k = 0;
    let n = 0;
    for (const v of vs) {
      const s = scored.find((x) => x.voice.id === v.id);
      for (const x of s ? pick(s) : []) {
        n++;
        if (x > v.threshold) k++;
      }
    }
    const p = proportion(k, n);
    return { ...p, rate: p.rate === null ? null : round(p.rate), ci95: p.ci95 ? [round(p.ci95[0]), round(p.ci95[1])] : null };
  };
  /** Share of the picked genuine readings accepted at their voice's threshold, by the verdict's score or another. */
  const pooled = (pick: (c: JudgedCase) => boolean, score: (c: JudgedCase) => number = (c) => c.genuine): number =>
    accepted((s) => s.cases.filter(pick).map(score)).rate ?? 0;
  const impostors = accepted((s) => s.cases.flatMap((c) => c.impostors));
  const cases = scored.filter((s) => s.voice.lang === lang).flatMap((s) => s.cases);
  return {
    voices: vs.length,
    modelGar: pooled(() => true, (c) => c.modelAlone),
    mandarinGar: round(cases.length ? cases.filter((c) => c.mandarin).length / cases.length : 0),
    mandarinFar: round(impostors.n ? cases.reduce((a, c) => a + c.mandarinImpostors, 0) / impostors.n : 0),
    meanGar: round(vs.reduce((a, v) => a + v.gar, 0) / vs.length),
    worst: { id: worst.id, gar: worst.gar },
    pooledGar: pooled(() => true),
    fastGar: pooled((c) => c.pace === 'fast'),
    phoneGar: pooled((c) => c.channel === 'phone'),
    impostors,
    missing: accepted((s) => s.missing),
    whole,
  };
}
