/**
 * Diagnostic: per held-out voice, the share of its genuine readings accepted among those holding
 * each digit, judged as the evaluation judges (each voice at the setting chosen on the other
 * folds). A voice failing on one or two digits is a take or two the models do not hear; one
 * failing on all of them (gcin5, whose takes are all cut off mid-syllable) is the whole voice.
 * Reads the scores `livecheck eval speech --cache training/work/speech-cache` kept; plain JS over
 * the built modules (npm run build), like own-points.mjs. docs/speech.md, twenty-third status.
 *   node training/speech/per-digit.mjs [FOLDS_DIR] [VOICE_ID ...]   (no ids: every voice)
 */
import { cachedFolds } from './cached-folds.mjs';
import { judgeHeldOut } from '../../dist/src/eval/speech/operating-point.js';
import { resolveThresholds } from '../../dist/src/config/index.js';

const d = resolveThresholds().digits;
const [root = 'models/speech-folds', ...ids] = process.argv.slice(2);
const { scored, missing } = await cachedFolds(root, d);
if (missing.length > 0) throw new Error(missing.join('\n'));
for (const { judged, threshold } of judgeHeldOut(scored, d)) {
  if (ids.length > 0 && !ids.includes(judged.voice.id)) continue;
  const by = new Map();
  for (const c of judged.cases) {
    for (const digit of new Set(c.digits)) {
      const n = by.get(digit) ?? { accepted: 0, readings: 0 };
      n.readings++;
      if (c.genuine > threshold) n.accepted++;
      by.set(digit, n);
    }
  }
  const cells = [...by].sort(([a], [b]) => a.localeCompare(b)).map(([digit, n]) => `${digit} ${Math.round((100 * n.accepted) / n.readings)}%`);
  console.log(`${judged.voice.id}: ${cells.join(', ')}${judged.cutDigits.length > 0 ? ` (every take cut: ${judged.cutDigits.join(', ')})` : ''}`);
}
