/**
 * Diagnostic, not a selection: two sets of fold models judged at the same FIXED settings of the
 * digit decision (largest warp, Mandarin extra; floor 0), each voice at the stricter 2% impostor
 * point of the other folds' voices at that setting. Reads the scores `livecheck eval speech
 * --cache training/work/speech-cache` kept for both sets; plain JS over the built modules
 * (npm run build) because the cache was written by the built CLI and its keys include the
 * scoring code it ran. docs/speech.md, twenty-first status.
 *   node training/speech/fixed-settings.mjs [OLD_FOLDS_DIR] [NEW_FOLDS_DIR]
 * The defaults are the 10,000- and 20,000-step single networks, restored from git as
 * margin-mean.mjs says (the committed models are pairs of them since the twenty-second session).
 */
import { cachedFolds } from './cached-folds.mjs';
import { judge, strictThreshold } from '../../dist/src/eval/speech/operating-point.js';
import { mean, share } from '../../dist/src/eval/speech/numbers.js';
import { resolveThresholds } from '../../dist/src/config/index.js';

const d = resolveThresholds().digits;
async function load(root) {
  const { scored, missing } = await cachedFolds(root, d);
  for (const m of missing) console.error(m);
  return scored;
}
function heldOut(scored, at) {
  const js = scored.map((s) => judge(s, at, d));
  const gar = { zh: [], en: [] };
  const impostors = { zh: [], en: [] };
  for (const j of js) {
    const th = strictThreshold(js.filter((o) => o.fold !== j.fold));
    gar[j.voice.lang].push(share(j.cases.map((c) => c.genuine), (x) => x > th));
    impostors[j.voice.lang].push(...j.cases.flatMap((c) => c.impostors).map((x) => (x > th ? 1 : 0)));
  }
  const pct = (x) => (100 * x).toFixed(1);
  return `zh ${pct(mean(gar.zh))}% en ${pct(mean(gar.en))}% (impostors ${pct(mean(impostors.zh))}% / ${pct(mean(impostors.en))}%)`;
}
const [oldDir = 'training/work/singles/models/speech-folds', newDir = 'training/work/singles/training/measured-20k'] = process.argv.slice(2);
const sets = { [oldDir]: await load(oldDir), [newDir]: await load(newDir) };
for (const maxWarp of [1, 1.1, 1.2]) for (const zhExtra of [0.5, 1]) {
  const at = { floor: 0, maxWarp, zhExtra };
  console.log(JSON.stringify(at), Object.entries(sets).map(([k, s]) => `${k}: ${heldOut(s, at)}`).join(' | '));
}
