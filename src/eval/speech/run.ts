import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { seededRandom } from '../../core/seeded-random.js';
import { decodeAudio } from '../../media/index.js';
import { defaultModelPath, loadSpeechModel, type SpeechModel } from '../../speech/model.js';
import { SAMPLE_RATE } from '../../speech/tokens.js';
import { vocalTractWarps } from '../../speech/sphinx/index.js';
import type { DigitConfig } from '../../speech/verify.js';
import { repoRoot } from '../data-dir.js';
import { confusions } from './confusions.js';
import { figures, languageFigures } from './figures.js';
import { mean, round } from './numbers.js';
import { configuredSetting, judgeHeldOut, operatingPoint, scorer } from './operating-point.js';
import { renderSpeechReport } from './report.js';
import { cachedScore } from './score-cache.js';
import { claimScores, DEFAULT_PER_PACE, randomDigits, scoreVoice, scoringWarps, voiceSeed } from './scoring.js';
import type { Scored, SpeechEvalOptions, SpeechEvalReport, Times } from './types.js';
import { loadVoiceTable, voiceAvailable } from './voices.js';

/**
 * `livecheck eval speech`: the digit check on real voices left out of training. Each fold model
 * (training/work/folds/fold<k>/digits.onnx, made by `npm run train:speech`) is scored only on the
 * voices its fold held out, so every figure comes from a voice that model never heard. The
 * threshold a voice is judged at is chosen on the other folds' voices only (the 2% impostor point
 * of each language, the stricter of the two), never on the voice itself; so are the Mandarin
 * second reading's margin floor and vocal-tract warps, the pair among HMM_MARGIN_FLOORS and
 * HMM_MAX_WARPS that lets the other folds' voices through most at their threshold.
 */

/**
 * Where the fold models are when no folder is given: those of the last `npm run train:speech`
 * on this machine, else the committed ones (models/speech-folds, with their provenance).
 */
export const FOLD_DIRS = (): string[] => [join(repoRoot(), 'training', 'work', 'folds'), join(repoRoot(), 'models', 'speech-folds')];

/** The fold models in `root`, by fold number (folder fold<k>/digits.onnx). */
async function foldFiles(root: string): Promise<{ fold: number; path: string }[]> {
  if (!existsSync(root)) return [];
  return (await readdir(root))
    .filter((n) => /^fold\d+$/.test(n) && existsSync(join(root, n, 'digits.onnx')))
    .map((n) => ({ fold: Number(n.slice(4)), path: join(root, n, 'digits.onnx') }))
    .sort((a, b) => a.fold - b.fold);
}

/**
 * Fold number -> its model, from `dir` or else the first of `defaults` that holds any; folds
 * not trained (yet) are absent, so their voices are skipped.
 */
export async function foldModels(dir: string | undefined, defaults = FOLD_DIRS()): Promise<Map<number, SpeechModel> | null> {
  let found: { fold: number; path: string }[] = [];
  for (const root of dir === undefined ? defaults : [dir]) {
    found = await foldFiles(root);
    if (found.length > 0) break;
  }
  if (found.length === 0) return null;
  return new Map(await Promise.all(found.map(async (f) => [f.fold, await loadSpeechModel(f.path)] as const)));
}

/** Non-digit sentences (AISHELL-1, LibriSpeech), silence and noise against the shipped model and the second reading. */
async function sentenceNegatives(data: string, rand: () => number, d: DigitConfig): Promise<{ scores: number[]; sources: string[] }> {
  const pcms: { id: string; pcm: Float32Array }[] = [];
  for (const sub of ['mandarin', 'english']) {
    const dir = join(data, 'speech', sub);
    if (!existsSync(dir)) continue;
    for (const n of (await readdir(dir)).filter((f) => f.endsWith('.wav')).sort()) pcms.push({ id: `${sub}/${n}`, pcm: await decodeAudio(join(dir, n), { maxDurationSec: 60, timeoutMs: 60_000 }) });
  }
  pcms.push({ id: 'silence 3 s', pcm: new Float32Array(3 * SAMPLE_RATE) });
  pcms.push({ id: 'white noise 3 s', pcm: Float32Array.from({ length: 3 * SAMPLE_RATE }, () => (rand() - 0.5) * 0.2) });
  const scores: number[] = [];
  const score = scorer(configuredSetting(d), d);
  for (const c of pcms) {
    const claims = Array.from({ length: 100 }, () => randomDigits(rand));
    scores.push(...(await claimScores(c.pcm, undefined, vocalTractWarps(d.hmmMaxWarp), claims)).scores.map((n) => score(n.model, n.hmm, n.zh)));
  }
  return { scores, sources: pcms.map((c) => c.id) };
}

export async function runSpeechEval(opts: SpeechEvalOptions): Promise<SpeechEvalReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const table = await loadVoiceTable();
  const folds = await foldModels(opts.folds);
  const shipped = await loadSpeechModel(defaultModelPath());
  const configured = opts.digits.minMargin;
  const skipped: string[] = [];
  const scored: Scored[] = [];
  const times: Times = { model: [], mandarin: [] };
  for (const [index, voice] of table.voices.entries()) {
    const seed = voiceSeed(index);
    if (!voiceAvailable(voice, opts.data)) {
      skipped.push(`${voice.id}: clips not found (install its package or the shared data)`);
      continue;
    }
    const fold = folds ? table.folds.findIndex((f) => f.includes(voice.id)) : -1;
    const model = folds ? folds.get(fold) : shipped;
    if (!model) {
      skipped.push(`${voice.id}: fold ${fold} has no model`);
      continue;
    }
    const key = { modelPath: model.path, voice, seed, perPace: opts.perPace ?? DEFAULT_PER_PACE, warps: scoringWarps(opts.digits) };
    log(`speech eval: ${voice.id} (fold ${fold >= 0 ? fold : 'none'})`);
    const { scored: s, hit } = await cachedScore(opts.cache, key, times, (t) => scoreVoice(voice, fold >= 0 ? fold : null, model, opts, seed, t));
    if (hit) log(`speech eval: ${voice.id} scores from the cache`);
    scored.push(s);
  }
  // With a single fold trained there are no other folds' voices to choose a threshold on: its
  // voices are judged at the configured one, which was not chosen on them either.
  const judged = judgeHeldOut(scored, opts.digits, folds !== null);
  const voices = judged.map((j) => figures(j.judged, j.threshold, j.from));
  const judgedVoices = judged.map((j) => j.judged);
  const languages: SpeechEvalReport['languages'] = {};
  const heard: SpeechEvalReport['confusions'] = {};
  for (const lang of ['zh', 'en'] as const) {
    const f = languageFigures(voices, judgedVoices, lang);
    if (!f) continue;
    languages[lang] = f;
    // voices[i] holds the figures of scored[i].
    heard[lang] = confusions(
      voices.flatMap((v, i) => (v.lang === lang ? (judgedVoices[i]?.cases ?? []).map((c) => ({ expected: c.digits, heard: c.heard, accepted: c.genuine > v.threshold })) : [])),
    );
  }
  const rand = seededRandom(99);
  const sentences = await sentenceNegatives(opts.data, rand, opts.digits);
  const heldOutNonDigit = voices.reduce((a, v) => a + v.nonDigitAccepted, 0);
  const nonDigit = {
    trials: sentences.scores.length + voices.reduce((a, v) => a + v.nonDigitTrials, 0),
    accepted: sentences.scores.filter((x) => x > configured).length + heldOutNonDigit,
    maxScore: round(Math.max(...sentences.scores, ...judgedVoices.flatMap((s) => s.nonDigit)), 3),
    sources: [...sentences.sources, ...scored.filter((s) => s.nonDigit.length > 0).map((s) => `${s.voice.id} non-digit syllables`)],
    heard: {
      recordings: voices.reduce((a, v) => a + v.nonDigitRecordings, 0),
      fourDigits: voices.reduce((a, v) => a + v.nonDigitHeardFour, 0),
      accepted: voices.reduce((a, v) => a + v.nonDigitHeardAccepted, 0),
    },
  };
  const recommended = folds && scored.length > 0 ? operatingPoint(scored, opts.digits) : null;
  const base = {
    mode: folds ? ('held-out folds' as const) : ('shipped model, voices seen in training' as const),
    model: (folds ? [...folds.values()].map((m) => m.path) : [shipped.path]).map((p) => relative(repoRoot(), p)).join(', '),
    configuredThreshold: configured,
    configuredMandarinThreshold: opts.digits.minMarginMandarin,
    recommendedThreshold: recommended ? round(recommended.threshold, 3) : null,
    recommendedMandarinThreshold: recommended ? round(recommended.threshold + recommended.at.zhExtra, 3) : null,
    recommendedHmmMinMargin: recommended ? recommended.at.floor : null,
    recommendedHmmMaxWarp: recommended ? recommended.at.maxWarp : null,
    voices,
    languages,
    confusions: heard,
    nonDigit,
    skipped,
    msPer5sClip: round(mean(times.model), 1),
    mandarinMsPer5sClip: round(mean(times.mandarin), 1),
    hmmMinFit: opts.digits.hmmMinFit,
    hmmMinMargin: opts.digits.hmmMinMargin,
    hmmMinDigitSec: opts.digits.hmmMinDigitSec,
    hmmMaxWarp: opts.digits.hmmMaxWarp,
  };
  const report: SpeechEvalReport = { ...base, markdown: renderSpeechReport(base) };
  if (opts.out) {
    await mkdir(opts.out, { recursive: true });
    await writeFile(join(opts.out, 'speech-eval.json'), JSON.stringify(base, null, 2) + '\n');
    await writeFile(join(opts.out, 'speech-eval.md'), report.markdown);
  }
  process.stdout.write(opts.json ? JSON.stringify(base) + '\n' : report.markdown);
  return report;
}
