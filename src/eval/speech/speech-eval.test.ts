import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveThresholds } from '../../config/index.js';
import { repoRoot } from '../../core/repo-root.js';
import { defaultModelPath } from '../../speech/model.js';
import { SAMPLE_RATE } from '../../speech/tokens.js';
import { confusions } from './confusions.js';
import { HMM_MARGIN_FLOORS, HMM_MAX_WARPS, MANDARIN_EXTRAS, operatingPoint, scorer, thresholdAtFar } from './operating-point.js';
import { foldModels } from './run.js';
import type { CaseScore, Scored } from './types.js';
import { genuineCases, missingDigitCases, nonDigitCases } from './strings.js';
import { cutTake, silentTake, trimSilence, type VoiceClips } from './voices.js';
import { figures, languageFigures } from './figures.js';
import { judge } from './operating-point.js';

/** A 0.5 s tone burst standing in for a syllable (the builders never look at what is said). */
function syllable(freq: number): Float32Array {
  return Float32Array.from({ length: SAMPLE_RATE / 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE));
}

const voice = (digits: number[]): VoiceClips => ({
  voice: { id: 'test-voice', lang: 'zh', sex: 'female', accent: 'Mandarin', licence: 'test', digits: {}, nondigit: [] },
  digits: new Map(digits.map((d) => [d, [syllable(200 + 50 * d)]])),
  silentTakes: [],
  cutTakes: [],
  cutDigits: [],
  nondigit: [syllable(900), syllable(1100)],
});

test('readings use only the digits the voice has, four per string, each pace, clean and through the phone channel', async () => {
  const cases = await genuineCases(voice([3, 7]), 2, 1);
  assert.equal(cases.length, 12);
  for (const c of cases) assert.match(c.digits, /^[37]{4}$/);
  assert.deepEqual([...new Set(cases.map((c) => c.pace))].sort(), ['fast', 'normal', 'slow']);
  assert.equal(cases.filter((c) => c.channel === 'phone').length, 6);
});

test('fast readings last 0.25-0.35 s per digit and slow ones are longer than normal ones', async () => {
  const cases = (await genuineCases(voice([1, 2, 3, 4]), 4, 2)).filter((c) => c.channel === 'clean');
  for (const c of cases.filter((x) => x.pace === 'fast')) {
    assert.ok(c.secPerSyllable >= 0.24 && c.secPerSyllable <= 0.36, `fast reading at ${c.secPerSyllable} s per digit`);
  }
  const mean = (pace: string): number => {
    const xs = cases.filter((c) => c.pace === pace).map((c) => c.secPerSyllable);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  assert.ok(mean('slow') > mean('normal') && mean('normal') > mean('fast'));
});

test('the phone channel keeps each reading in place and takes away what lies above 3.4 kHz', async () => {
  const v = voice([5]);
  v.digits.set(5, [Float32Array.from({ length: SAMPLE_RATE / 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 6000 * i) / SAMPLE_RATE))]);
  const cases = await genuineCases(v, 1, 3);
  const clean = cases.find((c) => c.channel === 'clean' && c.pace === 'slow');
  const phone = cases.find((c) => c.channel === 'phone' && c.pace === 'slow');
  assert.ok(clean && phone);
  assert.equal(phone.pcm.length, clean.pcm.length);
  const rms = (x: Float32Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  assert.ok(rms(phone.pcm) < rms(clean.pcm) / 30, `6 kHz tone through the phone channel: ${rms(phone.pcm)} vs ${rms(clean.pcm)}`);
});

test('missing-digit readings say three of the four digits they claim, at every pace and through the phone channel', async () => {
  const cases = await missingDigitCases(voice([1, 2, 3, 4]), 2, 5);
  assert.equal(cases.length, 12);
  assert.deepEqual([...new Set(cases.map((c) => c.pace))].sort(), ['fast', 'normal', 'slow']);
  for (const c of cases) {
    assert.match(c.digits, /^[1-4]{4}$/);
    // The reading's span over its time per syllable is the number of syllables spliced in.
    const speechSec = c.pcm.length / SAMPLE_RATE - 0.6;
    assert.equal(Math.round(speechSec / c.secPerSyllable), 3, `${c.pace} ${c.channel}`);
  }
  const genuine = await genuineCases(voice([1, 2, 3, 4]), 2, 5);
  assert.ok(genuine.every((c) => Math.round((c.pcm.length / SAMPLE_RATE - 0.6) / c.secPerSyllable) === 4), 'a genuine reading of the same builder holds all four');
});

test('non-digit readings string two to six of the voice\'s other syllables and expect no digits', async () => {
  const cases = await nonDigitCases(voice([1]), 6, 4);
  assert.equal(cases.length, 6);
  for (const c of cases) {
    assert.equal(c.digits, '');
    assert.ok(c.pcm.length > SAMPLE_RATE, 'at least two syllables and the edges');
  }
  assert.deepEqual(await nonDigitCases({ ...voice([1]), nondigit: [] }, 6, 4), []);
});

test('the 2% impostor point accepts at most 2% of impostor scores', () => {
  const impostors = Array.from({ length: 200 }, (_, i) => -i / 10);
  const t = thresholdAtFar(impostors, 0.02);
  assert.equal(impostors.filter((s) => s > t).length, 4);
  assert.equal(thresholdAtFar([], 0.02), -Infinity);
});

test('silence around a clip is trimmed to 20 ms before and 30 ms after the sound', () => {
  const x = new Float32Array(SAMPLE_RATE);
  x.set(syllable(440).subarray(0, 3200), 8000);
  const t = trimSilence(x);
  assert.ok(Math.abs(t.length - (3200 + 320 + 480)) <= 160, `trimmed to ${t.length} samples`);
});

test('fold models are keyed by their fold number, so a fold not trained yet leaves the others in place', async () => {
  const root = mkdtempSync(join(tmpdir(), 'livecheck-folds-'));
  try {
    for (const k of [0, 2]) {
      mkdirSync(join(root, `fold${k}`));
      symlinkSync(defaultModelPath(), join(root, `fold${k}`, 'digits.onnx'));
    }
    mkdirSync(join(root, 'fold1'));
    const models = await foldModels(root);
    assert.deepEqual([...(models?.keys() ?? [])], [0, 2]);
    assert.equal(models?.get(2)?.path, join(root, 'fold2', 'digits.onnx'));
    // Without a folder: the first default that holds any fold model (a fresh training run's
    // folder is empty until its first fold finishes, so the committed ones are read).
    const empty = join(root, 'fold1');
    assert.deepEqual([...((await foldModels(undefined, [empty, root]))?.keys() ?? [])], [0, 2]);
    assert.equal(await foldModels(undefined, [empty, join(root, 'missing')]), null);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the confusion table counts substitutions per expected digit and sorts rejected readings by why they failed', () => {
  const c = confusions([
    { expected: '1234', heard: '7234', accepted: false },
    { expected: '1111', heard: '1111', accepted: true },
    { expected: '5678', heard: '568', accepted: false },
    { expected: '9012', heard: '9012', accepted: false },
  ]);
  assert.equal(c.readings, 4);
  assert.equal(c.rejected, 3);
  assert.equal(c.fewer, 1);
  assert.equal(c.more, 0);
  assert.equal(c.rightButUnsure, 1);
  const one = c.digits[1];
  assert.deepEqual(one, { digit: 1, positions: 6, substituted: 1, mostOftenAs: { digit: 7, count: 1 } });
  assert.equal(c.digits[5]?.positions, 0, 'a reading heard at another length gives no per-digit evidence');
  assert.equal(c.digits[2]?.mostOftenAs, null);
});

/**
 * A voice whose readings all score alike: the digit model's margins and the second reading's
 * (null: not read; an array: one margin per vocal-tract warp, 1 first).
 */
function scoredVoice(lang: 'zh' | 'en', fold: number, model: number, impostorModel: (i: number) => number, hmm: number | number[] | null, impostorHmm: number | number[] | null): Scored {
  const one = (m: number) => ({ margin: m, fit: -1, shortestWordSec: 0.2 });
  const read = (m: number | number[] | null): CaseScore['hmm'] => (m === null ? null : Array.isArray(m) ? m.map(one) : one(m));
  const cases: CaseScore[] = Array.from({ length: 50 }, (_, k) => ({
    digits: '1234',
    heard: '',
    pace: 'normal',
    channel: 'clean',
    secPerSyllable: 0.4,
    model,
    impostorModels: Array.from({ length: 8 }, (_, i) => impostorModel(k * 8 + i)),
    zh: lang === 'zh',
    hmm: read(hmm),
    impostorHmms: Array.from({ length: 8 }, () => read(impostorHmm)),
  }));
  return { voice: { id: `${lang}-${fold}`, lang, sex: 'female', accent: '', licence: '', digits: {}, nondigit: [] }, fold, cases, nonDigit: [], nonDigitHeard: [], nonDigitRecordings: 0, missing: [], silentTakes: [], cutTakes: [], cutDigits: [] };
}

test('the second reading\'s margin floor is chosen with the threshold, for the most genuine readings averaged over the languages', () => {
  // Mandarin: the model hears nothing; the second reading puts every right string 0.05 per
  // digit frame behind its best reading and every one-digit-off string 0.09 behind.
  const zh = scoredVoice('zh', 0, -5, () => -10, -0.05, -0.09);
  // English: the model alone, its impostor margins spread from -3 to -1.
  const en = scoredVoice('en', 1, -0.5, (i) => -3 + (2 * i) / 400, null, null);
  const guards = { hmmMinFit: -1.5, hmmMinDigitSec: 0.1 };
  const point = operatingPoint([zh, en], guards);
  // Floors 0.04 to -0.04 accept no Mandarin reading; -0.06 and -0.08 accept them all and no
  // impostor (a tie keeps the stricter floor); from -0.1 the impostors pass, the threshold
  // rises to their score (0) and English, at -0.5, fails.
  assert.deepEqual(point.at, { floor: -0.06, maxWarp: 1, zhExtra: 0 });
  assert.equal(point.threshold, thresholdAtFar(en.cases.flatMap((c) => c.impostorModels), 0.02));
  // A fit under the fit floor, or digits shorter than the duration floor, accept nothing from
  // the second reading: then every setting is as good as any and the strictest is kept.
  assert.deepEqual(operatingPoint([zh, en], { ...guards, hmmMinFit: 0 }).at, { floor: HMM_MARGIN_FLOORS[0], maxWarp: 1, zhExtra: 0 });
  assert.deepEqual(operatingPoint([zh, en], { ...guards, hmmMinDigitSec: 0.3 }).at, { floor: HMM_MARGIN_FLOORS[0], maxWarp: 1, zhExtra: 0 });
  assert.deepEqual([...HMM_MARGIN_FLOORS].sort((a, b) => b - a), HMM_MARGIN_FLOORS, 'strictest first, so that a tie keeps the stricter');
  assert.deepEqual([...HMM_MAX_WARPS].sort((a, b) => a - b), HMM_MAX_WARPS, 'fewest readings first, so that a tie keeps the cheaper');
});

test('the second reading\'s warps are chosen with the floor: only where a warped reading wins readings the others lose', () => {
  const guards = { hmmMinFit: -1.5, hmmMinDigitSec: 0.1 };
  const en = scoredVoice('en', 1, -0.5, (i) => -3 + (2 * i) / 400, null, null);
  // The recording as it is puts the right string 0.05 behind; warped by 1.1 it reads it
  // 0.03 ahead, while one-digit-off strings stay 0.05 behind at every warp.
  const helped = scoredVoice('zh', 0, -5, () => -10, [-0.05, 0.03, -0.05], [-0.05, -0.05, -0.05]);
  assert.deepEqual(operatingPoint([helped, en], guards).at, { floor: 0.02, maxWarp: 1.1, zhExtra: 0 });
  // Where the warped readings also let the impostors through, they cost the threshold what
  // they gain, and no warp is kept.
  const hurt = scoredVoice('zh', 0, -5, () => -10, [-0.05, 0.03, -0.05], [-0.05, 0.03, 0.03]);
  assert.equal(operatingPoint([hurt, en], guards).at.maxWarp, 1);
});

test('a Mandarin acceptance of the digit model counts only where the second reading fits the claim, as verifyDigits decides', () => {
  const g = { hmmMinFit: -1.5, hmmMinDigitSec: 0.1 };
  const read = (fits: number[]) => fits.map((fit) => ({ margin: -0.3, fit, shortestWordSec: 0.2 }));
  const at1 = scorer({ floor: 0, maxWarp: 1, zhExtra: 0 }, g);
  const at11 = scorer({ floor: 0, maxWarp: 1.1, zhExtra: 0 }, g);
  assert.equal(at1(0.5, read([-1.2, -2]), true), 0.5, 'fits: the digit model\'s margin stands');
  assert.equal(at1(0.5, read([-2, -1.2]), true), -Infinity, 'the warp that fits is not counted at maxWarp 1');
  assert.equal(at11(0.5, read([-2, -1.2]), true), 0.5);
  assert.equal(at1(0.5, read([-2]), false), 0.5, 'English readings are not held to the Mandarin fit');
  assert.equal(at1(0.5, null, true), 0.5, 'nothing to read turns nothing down');
});

test('the Mandarin threshold gets its own extra where one threshold would hold English to Mandarin\'s impostor point', () => {
  const guards = { hmmMinFit: -1.5, hmmMinDigitSec: 0.1 };
  // Mandarin: genuine at 1, impostors spread from -1 to 1; English: genuine at 0, impostors from -3 to -1.
  const zh = scoredVoice('zh', 0, 1, (i) => -1 + (2 * i) / 400, null, null);
  const en = scoredVoice('en', 1, 0, (i) => -3 + (2 * i) / 400, null, null);
  // One threshold (Mandarin's 2% point, near 0.96) rejects every English reading; 1 nat more for
  // what is heard as Mandarin puts both languages' readings above both impostor points.
  const point = operatingPoint([zh, en], guards);
  assert.equal(point.at.zhExtra, 1);
  assert.ok(point.threshold < 0 && point.threshold > -1, String(point.threshold));
  // Where one threshold serves both, none is added (a tie keeps 0).
  const enHigh = scoredVoice('en', 1, 2, (i) => -3 + (2 * i) / 400, null, null);
  assert.equal(operatingPoint([zh, enHigh], guards).at.zhExtra, 0);
  assert.equal(MANDARIN_EXTRAS[0], 0, 'no extra first, so that a tie keeps one threshold');
});

test('a take under the service\'s silent-track floor is no reading: left out of the evaluation and of the training bank alike', () => {
  const tone = (db: number): Float32Array => syllable(300).map((v) => (v / 0.5) * 10 ** (db / 20));
  assert.equal(silentTake(tone(-53)), true);
  assert.equal(silentTake(new Float32Array(8000)), true);
  assert.equal(silentTake(tone(-45)), false);
  // training/speech/prepare.py cannot read the TypeScript config: it carries the same floor.
  const prepare = readFileSync(join(repoRoot(), 'training', 'speech', 'prepare.py'), 'utf8');
  assert.match(prepare, new RegExp(`^SILENT_PEAK_DB = ${resolveThresholds().audio.silentPeakDb}(\\.0)?$`, 'm'));
});

test('a take that stops while the voice still sounds is called cut; one that fades into its background, or sits in steady noise, is not', () => {
  // 0.1 s of quiet, then a 0.3 s vowel: cut at full strength, or followed by a 60 ms fade to the quiet.
  const vowel = (fadeSec: number): Float32Array => {
    const lead = SAMPLE_RATE / 10;
    const body = Math.round(0.3 * SAMPLE_RATE);
    const fade = Math.round(fadeSec * SAMPLE_RATE);
    return Float32Array.from({ length: lead + body + fade + (fade > 0 ? SAMPLE_RATE / 10 : 0) }, (_, i) => {
      const hiss = 1e-4 * Math.sin(i * 1.7);
      if (i < lead) return hiss;
      const g = i < lead + body ? 1 : i < lead + body + fade ? 1 - (i - lead - body) / fade : 0;
      return hiss + 0.3 * g * Math.sin((2 * Math.PI * 220 * i) / SAMPLE_RATE);
    });
  };
  assert.equal(cutTake(vowel(0)), true, 'stops at full level');
  assert.equal(cutTake(vowel(0.06)), false, 'fades into the quiet');
  // A word that ends, then another sound (a click or breath) running to the end of the file.
  const click = vowel(0.06);
  for (let i = click.length - SAMPLE_RATE / 25; i < click.length; i++) click[i] = (click[i] ?? 0) + 0.1 * Math.sin(i);
  assert.equal(cutTake(click), false, 'the word fell back to the quiet before the file ended');
  // A quiet recording in steady noise (gcin-voice's voice 3: 9 dB between speech and background) ends at its background.
  const noisy = Float32Array.from({ length: SAMPLE_RATE / 2 }, (_, i) => 0.03 * Math.sin(i * 2.3) + (i > 1000 && i < 6000 ? 0.05 * Math.sin(i / 5) : 0));
  assert.equal(cutTake(noisy), false, 'too little between loud and quiet to tell');
  assert.equal(cutTake(new Float32Array(800)), false, 'too short to tell');
});

test('readings holding a digit whose every take is cut are reported apart: per voice and per language, the voices with none of them left out', () => {
  const at = { floor: 0, maxWarp: 1, zhExtra: 0 };
  const g = { hmmMinFit: -1.5, hmmMinDigitSec: 0.1 };
  const cut = scoredVoice('en', 0, 1, () => -5, null, null);
  // Half the readings hold a 6 (cut) and are rejected; the others are accepted.
  cut.cases = cut.cases.map((c, i) => (i % 2 === 0 ? { ...c, digits: '1236', model: -5 } : c));
  cut.cutDigits = [6];
  const allCut = scoredVoice('en', 1, -5, () => -5, null, null);
  allCut.cutDigits = [1, 2, 3, 4];
  const whole = scoredVoice('en', 2, 1, () => -5, null, null);
  const voices = [cut, allCut, whole].map((s) => figures(judge(s, at, g), 0, 'other folds'));
  assert.deepEqual(voices.map((v) => [v.gar, v.wholeReadings, v.wholeGar]), [[0.5, 25, 1], [0, 0, null], [1, 50, 1]]);
  const f = languageFigures(voices, [cut, allCut, whole].map((s) => judge(s, at, g)), 'en');
  assert.deepEqual(f?.whole, { voices: 2, meanGar: 1, worst: { id: 'en-0', gar: 1 }, voicesWithout: 1 });
  assert.equal(f?.meanGar, 0.5, 'the figures over every reading are unchanged');
});
