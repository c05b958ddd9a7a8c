/**
 * One fold's held-out voices scored by two digit models (the committed fold model and a
 * retrained one), on the same readings the speech evaluation builds for them (same seeds):
 *   node --import tsx training/speech/fold-ab.ts --fold 2 --new training/work/folds/fold2/digits.onnx [--data DIR] [--out FILE.json] [--cache DIR]
 * Cheaper than `livecheck eval speech` (one fold's voices, no threshold choice over the other
 * folds), for deciding whether a recipe change is worth training all folds for. Two views:
 * - the combined decision (digit model, Mandarin second reading, fit check) at the configured
 *   thresholds (src/config/thresholds.ts), which were chosen over every held-out reading of the
 *   committed fold models, so the committed model is judged at a point partly chosen on it;
 * - the digit model alone, at each model's own 2% one-digit-off point over these readings
 *   (per language): a comparison of the two models' curves, not a figure to report as held out.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveThresholds } from '../../src/config/index.js';
import { defaultDataDir, repoRoot } from '../../src/eval/data-dir.js';
import { configuredSetting, FAR_TARGET, judge, thresholdAtFar } from '../../src/eval/speech/operating-point.js';
import { cachedScore } from '../../src/eval/speech/score-cache.js';
import { DEFAULT_PER_PACE, scoreVoice, scoringWarps, voiceSeed } from '../../src/eval/speech/scoring.js';
import type { Scored } from '../../src/eval/speech/types.js';
import { loadVoiceTable, voiceAvailable } from '../../src/eval/speech/voices.js';
import { loadSpeechModel } from '../../src/speech/index.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const fold = Number(opt('--fold'));
const fresh = opt('--new');
const data = opt('--data') ?? defaultDataDir();
if (!Number.isInteger(fold) || !fresh) {
  console.error('usage: fold-ab.ts --fold K --new MODEL.onnx [--old MODEL.onnx] [--data DIR] [--out FILE.json] [--cache DIR]');
  process.exit(2);
}
const old = opt('--old') ?? join(repoRoot(), 'models', 'speech-folds', `fold${fold}`, 'digits.onnx');
// A score cache as livecheck eval speech --cache keeps (score-cache.ts): each model's voices scored once. Its keys
// include the code that ran, so tsx runs of this tool and the built CLI keep separate entries.
const cache = opt('--cache');
const digits = resolveThresholds().digits;
const table = await loadVoiceTable();

async function scoreAll(path: string): Promise<Scored[]> {
  const model = await loadSpeechModel(path);
  const out: Scored[] = [];
  for (const [index, voice] of table.voices.entries()) {
    if (!table.folds[fold]?.includes(voice.id) || !voiceAvailable(voice, data)) continue;
    console.error(`${path}: ${voice.id}`);
    const key = { modelPath: path, voice, seed: voiceSeed(index), perPace: DEFAULT_PER_PACE, warps: scoringWarps(digits) };
    const times = { model: [], mandarin: [] };
    out.push((await cachedScore(cache, key, times, (t) => scoreVoice(voice, fold, model, { data, digits }, voiceSeed(index), t))).scored);
  }
  return out;
}

const scoredOld = await scoreAll(old);
const scoredNew = await scoreAll(fresh);

const setting = configuredSetting(digits);
const share = (xs: number[], t: number): number => (xs.length ? xs.filter((x) => x > t).length / xs.length : 0);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function view(scored: Scored[]) {
  const voices = scored.map((s) => {
    const { cases } = judge(s, setting, digits);
    return { id: s.voice.id, lang: s.voice.lang, gar: share(cases.map((c) => c.genuine), digits.minMargin), far: share(cases.flatMap((c) => c.impostors), digits.minMargin) };
  });
  const alone: Record<string, { gar: number; threshold: number }> = {};
  for (const lang of ['zh', 'en'] as const) {
    const cases = scored.filter((s) => s.voice.lang === lang).flatMap((s) => s.cases);
    if (cases.length === 0) continue;
    const t = thresholdAtFar(cases.flatMap((c) => c.impostorModels), FAR_TARGET);
    alone[lang] = { gar: share(cases.map((c) => c.model), t), threshold: t };
  }
  return { voices, alone };
}

const a = view(scoredOld);
const b = view(scoredNew);
const lines = ['| voice | combined, committed | combined, new | impostors committed / new |', '|---|---|---|---|'];
for (const v of a.voices) {
  const w = b.voices.find((x) => x.id === v.id);
  lines.push(`| ${v.id} | ${pct(v.gar)} | ${w ? pct(w.gar) : '-'} | ${pct(v.far)} / ${w ? pct(w.far) : '-'} |`);
}
for (const lang of ['zh', 'en'] as const) {
  const mean = (vs: { lang: string; gar: number }[]): number => {
    const l = vs.filter((v) => v.lang === lang);
    return l.reduce((s, v) => s + v.gar, 0) / Math.max(1, l.length);
  };
  if (!a.alone[lang]) continue;
  lines.push(`| **${lang} mean** | ${pct(mean(a.voices))} | ${pct(mean(b.voices))} | |`);
  lines.push(`| ${lang}: digit model alone at its own 2% point | ${pct(a.alone[lang].gar)} (${a.alone[lang].threshold.toFixed(2)}) | ${pct(b.alone[lang]?.gar ?? 0)} (${(b.alone[lang]?.threshold ?? NaN).toFixed(2)}) | |`);
}
console.log(lines.join('\n'));
const out = opt('--out');
if (out) await writeFile(out, JSON.stringify({ fold, old, fresh, setting, committed: a, retrained: b }, null, 1));
