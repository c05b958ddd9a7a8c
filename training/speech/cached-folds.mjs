/**
 * Every voice's scores for one set of fold models (ROOT/fold<k>/digits.onnx) as `livecheck eval
 * speech --cache training/work/speech-cache` kept them, for the diagnostics that judge cached
 * scores again (fixed-settings.mjs, margin-mean.mjs, own-points.mjs, per-digit.mjs), and the
 * per-language line they print. Plain JS over the built modules (npm run build): the cache's keys
 * include the scoring code that wrote them, i.e. the built CLI's.
 */
import { join } from 'node:path';
import { cachedOnly } from '../../dist/src/eval/speech/score-cache.js';
import { loadVoiceTable } from '../../dist/src/eval/speech/voices.js';
import { voiceSeed, scoringWarps, DEFAULT_PER_PACE } from '../../dist/src/eval/speech/scoring.js';
import { figures, languageFigures } from '../../dist/src/eval/speech/figures.js';

export const CACHE = join('training', 'work', 'speech-cache');

/** The cached scores in voice-table order; `missing` names the voices without an entry and how to fill it. */
export async function cachedFolds(root, digits) {
  const table = await loadVoiceTable();
  const scored = [];
  const missing = [];
  for (const [i, voice] of table.voices.entries()) {
    const fold = table.folds.findIndex((f) => f.includes(voice.id));
    const modelPath = join(root, `fold${fold}`, 'digits.onnx');
    const s = await cachedOnly(CACHE, { modelPath, voice, seed: voiceSeed(i), perPace: DEFAULT_PER_PACE, warps: scoringWarps(digits) });
    if (s) scored.push(s);
    else missing.push(`${voice.id}: no cached scores for ${modelPath} (run livecheck eval speech --folds ${root} --cache ${CACHE})`);
  }
  return { scored, missing };
}

export const pct = (x) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);

/** Held-out judgements ({ judged, threshold, from }, as judgeHeldOut gives them): each voice's figures and one line per language. */
export function languageLines(judged) {
  const voices = judged.map((j) => figures(j.judged, j.threshold, j.from));
  const lines = ['zh', 'en'].map((l) => {
    const f = languageFigures(voices, judged.map((j) => j.judged), l);
    return `${l}: mean ${pct(f.meanGar)}, worst ${f.worst.id} ${pct(f.worst.gar)}, fast ${pct(f.fastGar)}, phone ${pct(f.phoneGar)}, model alone ${pct(f.modelGar)}, impostors ${pct(f.impostors.rate)}, lacking a digit ${pct(f.missing.rate)}`;
  });
  return { voices, lines };
}
