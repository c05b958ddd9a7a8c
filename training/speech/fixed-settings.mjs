/**
 * Diagnostic, not a selection: two sets of fold models judged at the same FIXED settings of the
 * digit decision (largest warp, Mandarin extra; floor 0), each voice at the stricter 2% impostor
 * point of the other folds' voices at that setting. Reads the scores `livecheck eval speech
 * --cache training/work/speech-cache` kept for both sets; plain JS over the built modules
 * (npm run build) because the cache was written by the built CLI and its keys include the
 * scoring code it ran. docs/speech.md, twenty-first status.
 *   node training/speech/fixed-settings.mjs [OLD_FOLDS_DIR] [NEW_FOLDS_DIR]
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { scoreKey } from '../../dist/src/eval/speech/score-cache.js';
import { loadVoiceTable } from '../../dist/src/eval/speech/voices.js';
import { voiceSeed, scoringWarps, DEFAULT_PER_PACE } from '../../dist/src/eval/speech/scoring.js';
import { judge, thresholdAtFar, FAR_TARGET } from '../../dist/src/eval/speech/operating-point.js';
import { resolveThresholds } from '../../dist/src/config/index.js';

const d = resolveThresholds().digits;
const table = await loadVoiceTable();
const decode = (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.nonFinite === 'string' ? Number(v.nonFinite) : v);
function load(root) {
  const out = [];
  for (const [i, voice] of table.voices.entries()) {
    const fold = table.folds.findIndex((f) => f.includes(voice.id));
    const modelPath = join(root, `fold${fold}`, 'digits.onnx');
    const key = scoreKey({ modelPath, voice, seed: voiceSeed(i), perPace: DEFAULT_PER_PACE, warps: scoringWarps(d) });
    const file = join('training/work/speech-cache', `${voice.id}-${key}.json`);
    if (!existsSync(file)) {
      console.error(`${voice.id}: no cached scores for ${modelPath} (run livecheck eval speech --folds ${root} --cache training/work/speech-cache)`);
      continue;
    }
    out.push(JSON.parse(readFileSync(file, 'utf8'), decode).scored);
  }
  return out;
}
const strict = (js) => Math.max(...['zh', 'en'].map((l) => thresholdAtFar(js.filter((j) => j.voice.lang === l).flatMap((j) => j.cases.flatMap((c) => c.impostors)), FAR_TARGET)));
function heldOut(scored, at) {
  const js = scored.map((s) => judge(s, at, d));
  const res = { zh: [], en: [], imp: { zh: [0, 0], en: [0, 0] } };
  for (const j of js) {
    const th = strict(js.filter((o) => o.fold !== j.fold));
    res[j.voice.lang].push(j.cases.filter((c) => c.genuine > th).length / j.cases.length);
    const imps = j.cases.flatMap((c) => c.impostors);
    res.imp[j.voice.lang][0] += imps.filter((x) => x > th).length; res.imp[j.voice.lang][1] += imps.length;
  }
  const m = (a) => (100 * a.reduce((x, y) => x + y, 0) / a.length).toFixed(1);
  const r = (p) => (100 * p[0] / p[1]).toFixed(1);
  return `zh ${m(res.zh)}% en ${m(res.en)}% (impostors ${r(res.imp.zh)}% / ${r(res.imp.en)}%)`;
}
const [oldDir = 'models/speech-folds', newDir = 'training/measured-20k'] = process.argv.slice(2);
const sets = { [oldDir]: load(oldDir), [newDir]: load(newDir) };
for (const maxWarp of [1, 1.1, 1.2]) for (const zhExtra of [0.5, 1]) for (const floor of [0]) {
  const at = { floor, maxWarp, zhExtra };
  console.log(JSON.stringify(at), Object.entries(sets).map(([k, s]) => `${k}: ${heldOut(s, at)}`).join(' | '));
}
