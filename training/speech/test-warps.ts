/**
 * Would the digit model gain from reading a recording through warped filterbanks too, as the
 * Mandarin second reading does? Each committed fold model (models/speech-folds) is copied with its
 * mel matrix warped (warp-onnx.py) and scored on its held-out voices, on the readings and
 * one-digit-off claims of `livecheck eval speech` (same seeds); a claim's score is its best margin
 * over a set of warps, and each voice is judged at its language's 2% one-digit-off point over the
 * other folds' voices. The digit model alone (no second reading):
 *   node --import tsx training/speech/test-warps.ts [--data DIR] [--work DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/seeded-random.js';
import { defaultDataDir, repoRoot } from '../../src/eval/data-dir.js';
import { mean, share } from '../../src/eval/speech/numbers.js';
import { FAR_TARGET, thresholdAtFar } from '../../src/eval/speech/operating-point.js';
import { DEFAULT_PER_PACE, IMPOSTORS_PER_READING, oneDigitOff, voiceSeed } from '../../src/eval/speech/scoring.js';
import { genuineCases } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable, voiceAvailable } from '../../src/eval/speech/voices.js';
import { loadSpeechModel } from '../../src/speech/model.js';
import { inputPosteriors, scoreDigits, speechInput } from '../../src/speech/verify.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const data = opt('--data') ?? defaultDataDir();
const work = opt('--work') ?? '/tmp/livecheck-test-warps';
const WARPS = ['0.9', '1.0', '1.1', '1.2'];
const SETS = [['1.0'], ['1.0', '1.1'], ['0.9', '1.0', '1.1'], ['1.0', '1.1', '1.2'], ['0.9', '1.0', '1.1', '1.2']];

/** Per reading, per warp: the claim's margin and its one-digit-off claims' margins. */
interface Reading {
  genuine: number[];
  impostors: number[][];
}
interface Voice {
  id: string;
  lang: string;
  fold: number;
  readings: Reading[];
}

mkdirSync(work, { recursive: true });
const table = await loadVoiceTable();
const voices: Voice[] = [];
for (const [fold, ids] of table.folds.entries()) {
  const src = join(repoRoot(), 'models', 'speech-folds', `fold${fold}`, 'digits.onnx');
  execFileSync('/usr/bin/python3', [join(repoRoot(), 'training', 'speech', 'warp-onnx.py'), src, join(work, `fold${fold}`), ...WARPS]);
  const models = await Promise.all(WARPS.map((w) => loadSpeechModel(join(work, `fold${fold}-${w}.onnx`))));
  for (const [index, voice] of table.voices.entries()) {
    if (!ids.includes(voice.id) || !voiceAvailable(voice, data)) continue;
    const seed = voiceSeed(index);
    const rand = seededRandom(seed + 1);
    const readings: Reading[] = [];
    for (const c of await genuineCases(await loadVoiceClips(voice, data), DEFAULT_PER_PACE, seed)) {
      const claims = oneDigitOff(c.digits, rand, IMPOSTORS_PER_READING);
      const input = speechInput(c.pcm);
      const r: Reading = { genuine: [], impostors: [] };
      for (const m of models) {
        const p = await inputPosteriors(input, m);
        r.genuine.push(scoreDigits(p, c.digits).score);
        r.impostors.push(claims.map((s) => scoreDigits(p, s).score));
      }
      readings.push(r);
    }
    console.error(`fold ${fold}: ${voice.id}`);
    voices.push({ id: voice.id, lang: voice.lang, fold, readings });
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log('| warps | Mandarin mean / worst / impostors | English mean / worst / impostors |\n|---|---|---|');
for (const set of SETS) {
  const at = set.map((w) => WARPS.indexOf(w));
  const genuine = (r: Reading): number => Math.max(...at.map((i) => r.genuine[i]!));
  const impostors = (r: Reading): number[] => r.impostors[0]!.map((_, j) => Math.max(...at.map((i) => r.impostors[i]![j]!)));
  const cells = ['zh', 'en'].map((lang) => {
    const mine = voices.filter((v) => v.lang === lang);
    let accepted = 0;
    let trials = 0;
    const gars = mine.map((v) => {
      const t = thresholdAtFar(mine.filter((o) => o.fold !== v.fold).flatMap((o) => o.readings.flatMap(impostors)), FAR_TARGET);
      const imp = v.readings.flatMap(impostors);
      accepted += imp.filter((x) => x > t).length;
      trials += imp.length;
      return { id: v.id, gar: share(v.readings.map(genuine), (x) => x > t) };
    });
    const worst = gars.reduce((a, b) => (b.gar < a.gar ? b : a));
    return `${pct(mean(gars.map((g) => g.gar)))} / ${worst.id} ${pct(worst.gar)} / ${pct(accepted / trials)}`;
  });
  console.log(`| ${set.join(', ')} | ${cells.join(' | ')} |`);
}
