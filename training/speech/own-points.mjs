/**
 * Diagnostic before changing the evaluation: each language's digit threshold at its own 2%
 * one-digit-off point, set by the impostors alone, instead of one threshold at the stricter point
 * plus a Mandarin extra chosen from a grid by the genuine readings (docs/decisions.md, "Each
 * language at its own 2% point"). Reads the scores `livecheck eval speech --cache
 * training/work/speech-cache` kept for a set of fold models, prints the evaluation's own figures
 * first (the grid, to check they are reproduced), then the same nested judging with the
 * thresholds set this way. Plain JS over the built modules (npm run build), like margin-mean.mjs.
 *   node training/speech/own-points.mjs [FOLDS_DIR]
 */
import { cachedFolds, languageLines, pct } from './cached-folds.mjs';
import { HMM_MARGIN_FLOORS, HMM_MAX_WARPS, judge, judgeHeldOut, operatingPoint } from '../../dist/src/eval/speech/operating-point.js';
import { mean, share } from '../../dist/src/eval/speech/numbers.js';
import { resolveThresholds } from '../../dist/src/config/index.js';

const d = resolveThresholds().digits;
const FAR = 0.02;
const root = process.argv[2] ?? 'models/speech-folds';

/** Lowest threshold for the varying claims that keeps the whole set within FAR, given `fixed` already accepted. */
function point(varying, fixedAccepted, n) {
  const k = Math.floor(FAR * n) - fixedAccepted;
  if (k < 0) return Infinity;
  const sorted = [...varying].sort((a, b) => b - a);
  return sorted[k] ?? -Infinity;
}

/** The two thresholds, each at its language's 2% point, claims judged by the language heard in them. */
export function ownPoints(judged) {
  const claims = (lang) => judged.filter((j) => j.voice.lang === lang).flatMap((j) => j.cases.flatMap((c) => c.impostors.map((x) => ({ x, zh: c.zh }))));
  const en = claims('en');
  const zh = claims('zh');
  const solve = (own, heardOwn, otherTh) => {
    const varying = own.filter((c) => c.zh === heardOwn).map((c) => c.x);
    const fixed = own.filter((c) => c.zh !== heardOwn && c.x > otherTh).length;
    return point(varying, fixed, own.length);
  };
  let th = { en: point(en.map((c) => c.x), 0, en.length), zh: point(zh.map((c) => c.x), 0, zh.length) };
  if (en.length === 0) th.en = th.zh;
  if (zh.length === 0) th.zh = th.en;
  for (let i = 0; i < 50 && en.length > 0 && zh.length > 0; i++) {
    const next = { en: solve(en, false, th.zh) };
    next.zh = solve(zh, true, next.en);
    if (next.en === th.en && next.zh === th.zh) break;
    th = next;
  }
  return th;
}

/** The floor and warps letting the most genuine readings through (mean of the languages) at their own points. */
export function ownOperatingPoint(scored) {
  let best = null;
  for (const maxWarp of HMM_MAX_WARPS) {
    for (const floor of HMM_MARGIN_FLOORS) {
      const raw = scored.map((s) => judge(s, { floor, maxWarp, zhExtra: 0 }, d));
      const th = ownPoints(raw);
      const at = { floor, maxWarp, zhExtra: th.zh - th.en };
      const judged = scored.map((s) => judge(s, at, d));
      const langs = [...new Set(judged.map((j) => j.voice.lang))];
      const gar = mean(langs.map((l) => share(judged.filter((j) => j.voice.lang === l).flatMap((j) => j.cases.map((c) => c.genuine)), (x) => x > th.en)));
      if (!best || gar > best.gar) best = { at, threshold: th.en, gar };
    }
  }
  return { at: best.at, threshold: best.threshold };
}

function report(title, judged, over) {
  const { voices, lines: languages } = languageLines(judged);
  const lines = [`# ${title}`, ...languages];
  lines.push(`chosen over all: minMargin ${over.threshold.toFixed(3)}, Mandarin ${(over.threshold + over.at.zhExtra).toFixed(3)}, floor ${over.at.floor}, warps to ${over.at.maxWarp}; non-digit syllable strings accepted ${voices.reduce((a, v) => a + v.nonDigitAccepted, 0)} of ${voices.reduce((a, v) => a + v.nonDigitTrials, 0)}`);
  lines.push(`per voice (threshold, Mandarin extra, floor, warp): ${judged.map((j) => `${j.judged.voice.id} ${pct(voices.find((v) => v.id === j.judged.voice.id).gar)} (${j.threshold.toFixed(2)}, ${j.judged.at.zhExtra.toFixed(2)}, ${j.judged.at.floor}, ${j.judged.at.maxWarp})`).join('; ')}`);
  return lines.join('\n');
}

const { scored, missing } = await cachedFolds(root, d);
if (missing.length > 0) throw new Error(missing.join('\n'));
console.log(`${report('the evaluation as it is (grid of Mandarin extras, stricter point)', judgeHeldOut(scored, d), operatingPoint(scored, d))}\n`);
const own = scored.map((s) => {
  const p = ownOperatingPoint(scored.filter((o) => o.fold !== s.fold));
  return { judged: judge(s, p.at, d), threshold: p.threshold, from: 'other folds' };
});
console.log(report('each language at its own 2% point', own, ownOperatingPoint(scored)));
