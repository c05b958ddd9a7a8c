/**
 * Diagnostic before building anything: two sets of fold models combined by the mean of their
 * margins, claim by claim, from the scores `livecheck eval speech --cache training/work/speech-cache`
 * kept for each set, then judged exactly as the evaluation judges (each voice at the setting and
 * threshold chosen on the other folds' voices; the evaluation's own figures). The Mandarin second
 * reading does not depend on the digit model, so both sets must hold the same readings of it
 * (checked). The cache keeps only each model's verdict on the language heard: where the two
 * disagree the claim is settled both ways ("zh if either" / "zh if both") and both are printed.
 * Plain JS over the built modules (npm run build), like fixed-settings.mjs. docs/decisions.md,
 * "Two digit models by the mean of their margins".
 *   node training/speech/margin-mean.mjs [A_FOLDS_DIR] [B_FOLDS_DIR]
 * The defaults are the single-network fold models as they were before the pair shipped, restored
 * from git, with their scores cached by the current code:
 *   mkdir -p training/work/singles && git archive cede057 models/speech-folds training/measured-20k | tar -x -C training/work/singles
 *   for d in models/speech-folds training/measured-20k; do node bin/livecheck.js eval speech --folds training/work/singles/$d --cache training/work/speech-cache --out /tmp/ev; done
 */
import { isDeepStrictEqual } from 'node:util';
import { cachedFolds, languageLines, pct } from './cached-folds.mjs';
import { judgeHeldOut, operatingPoint } from '../../dist/src/eval/speech/operating-point.js';
import { resolveThresholds } from '../../dist/src/config/index.js';

const d = resolveThresholds().digits;
const [aDir = 'training/work/singles/models/speech-folds', bDir = 'training/work/singles/training/measured-20k'] = process.argv.slice(2);

async function load(root) {
  const { scored, missing } = await cachedFolds(root, d);
  if (missing.length > 0) throw new Error(missing.join('\n'));
  return scored;
}

const lang = (a, b, either) => (a === b ? a : either ? a || b : a && b);
function claim(a, b, either) {
  if (!isDeepStrictEqual(a.hmm, b.hmm)) throw new Error('the two sets hold different second readings');
  return { model: (a.model + b.model) / 2, hmm: a.hmm, zh: lang(a.zh, b.zh, either) };
}
function combined(sa, sb, either) {
  return sa.map((a, v) => {
    const b = sb[v];
    const cases = a.cases.map((ca, i) => {
      const cb = b.cases[i];
      if (ca.digits !== cb.digits || ca.impostorModels.length !== cb.impostorModels.length) throw new Error(`${a.voice.id}: the two sets scored different claims`);
      const c = claim(ca, cb, either);
      return { ...ca, ...c, impostorModels: ca.impostorModels.map((m, k) => (m + cb.impostorModels[k]) / 2) };
    });
    const pairs = (xs, ys) => xs.map((x, k) => claim(x, ys[k], either));
    // Which non-digit recordings a model heard as four digits differs by model: those claims are
    // not paired, and the non-digit figures below come from the syllable strings alone.
    return { ...a, cases, nonDigit: pairs(a.nonDigit, b.nonDigit), nonDigitHeard: [], missing: pairs(a.missing, b.missing) };
  });
}
/** The claims combined above, and how many of them the two sets hear in different languages. */
function languageSplit(sa, sb) {
  const zh = (s) => s.flatMap((v) => [...v.cases, ...v.nonDigit, ...v.missing].map((c) => c.zh));
  const [a, b] = [zh(sa), zh(sb)];
  return { claims: a.length, disagree: a.filter((x, i) => x !== b[i]).length };
}
function evaluate(scored) {
  const { voices, lines } = languageLines(judgeHeldOut(scored, d));
  const over = operatingPoint(scored, d);
  lines.push(`chosen over all: threshold ${over.threshold.toFixed(3)} ${JSON.stringify(over.at)}; non-digit syllable strings accepted ${voices.reduce((a, v) => a + v.nonDigitAccepted, 0)} of ${voices.reduce((a, v) => a + v.nonDigitTrials, 0)}`);
  lines.push(voices.map((v) => `${v.id} ${pct(v.gar)}`).join(', '));
  return lines.join('\n');
}

const [sa, sb] = [await load(aDir), await load(bDir)];
console.log(`# ${aDir} alone\n${evaluate(sa)}\n`);
console.log(`# ${bDir} alone\n${evaluate(sb)}\n`);
const { claims, disagree } = languageSplit(sa, sb);
for (const either of [true, false]) {
  console.log(`# mean of margins, language Mandarin if ${either ? 'either' : 'both'} (the two disagree on ${disagree} of ${claims} claims)\n${evaluate(combined(sa, sb, either))}\n`);
}
