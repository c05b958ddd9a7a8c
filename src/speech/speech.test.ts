import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { readAudioFile, recognizeDigits, SpeechError, verifyDigits } from './index.js';
import { scoreDigits, speechPosteriors } from './verify.js';
import { repoRoot } from '../eval/data-dir.js';
import { resolveThresholds } from '../config/index.js';

/** The shipped digit thresholds: these tests are about the model and its default thresholds. */
const opts = resolveThresholds().digits;
const dir = mkdtempSync(join(tmpdir(), 'livecheck-speech-test-'));
const data = process.env.LIVECHECK_SHARED_DATA ?? resolve(repoRoot(), '..', 'shared', 'data');

/** espeak-ng reading `text`, resampled to 16 kHz mono by sox, as PCM. */
function speak(name: string, voice: string, text: string): Promise<Float32Array> {
  const raw = join(dir, `${name}.raw.wav`);
  const wav = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, text]);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', wav, 'pad', '0.3', '0.3']);
  return readAudioFile(wav);
}

let english: Float32Array;
let mandarin: Float32Array;

before(async () => {
  english = await speak('en', 'en', 'three, five, nine, one');
  mandarin = await speak('zh', 'cmn', '七，二，零，八');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('an English 4-digit string verifies against itself', async () => {
  const v = await verifyDigits(english, '3591', opts);
  assert.equal(v.accepted, true, JSON.stringify(v));
  assert.equal(v.language, 'en');
  assert.equal(v.perDigit.length, 4);
  assert.ok(v.score > v.threshold);
});

test('the shipped model holds two networks and its score is the mean of their margins', async () => {
  const p = await speechPosteriors(english);
  assert.equal(p.others?.length, 1, 'models/digits.onnx should hold two networks (logprobs, logprobs_1)');
  const second = p.others![0]!;
  assert.equal(second.frames, p.frames);
  const alone = [scoreDigits({ frames: p.frames, logp: p.logp }, '3591').score, scoreDigits(second, '3591').score];
  assert.notEqual(alone[0], alone[1], 'two different networks');
  assert.ok(Math.abs(scoreDigits(p, '3591').score - (alone[0]! + alone[1]!) / 2) < 1e-9);
  const v = await verifyDigits(english, '3591', opts);
  assert.ok(Math.abs(v.modelScore - (alone[0]! + alone[1]!) / 2) < 1e-3, JSON.stringify(v));
});

test('the same recording does not verify when one digit is changed', async () => {
  for (const other of ['3590', '8591', '3391']) {
    const v = await verifyDigits(english, other, opts);
    assert.equal(v.accepted, false, `${other}: ${JSON.stringify(v)}`);
  }
});

test('a Mandarin 4-digit string verifies and is recognized as Mandarin', async () => {
  const v = await verifyDigits(mandarin, '7208', opts);
  assert.equal(v.accepted, true, JSON.stringify(v));
  assert.equal(v.language, 'zh');
  assert.equal((await verifyDigits(mandarin, '7298', opts)).accepted, false);
  const r = await recognizeDigits(mandarin);
  assert.equal(r.digits, '7208');
  assert.equal(r.language, 'zh');
});

test('a Mandarin acceptance of the digit model is held to the second reading\'s fit (digits.hmmMinFit)', async () => {
  const v = await verifyDigits(mandarin, '7208', opts);
  assert.ok(v.mandarinFit, 'the fit is checked when the digit model accepts Mandarin');
  assert.equal(v.mandarinFit.held, true, JSON.stringify(v.mandarinFit));
  assert.ok(v.mandarinFit.fit >= opts.hmmMinFit);
  // A floor no reading can reach turns the same acceptance down.
  const strict = await verifyDigits(mandarin, '7208', { ...opts, hmmMinFit: v.mandarinFit.fit + 5 });
  assert.equal(strict.accepted, false);
  assert.equal(strict.mandarinFit?.held, false);
  assert.ok(strict.score > strict.threshold, 'the digit model still accepted; the fit turned it down');
  assert.equal((await verifyDigits(english, '3591', opts)).mandarinFit, null, 'English acceptances are not read by the Mandarin model');
});

test('a recording heard as Mandarin is judged at digits.minMarginMandarin, one heard as English at digits.minMargin', async () => {
  const strictZh = { ...opts, minMarginMandarin: 1000 };
  const zh = await verifyDigits(mandarin, '7208', strictZh);
  assert.equal(zh.accepted, false);
  assert.equal(zh.threshold, 1000);
  const en = await verifyDigits(english, '3591', strictZh);
  assert.equal(en.accepted, true);
  assert.equal(en.threshold, opts.minMargin);
});

test('non-digit speech does not verify as any digit string', async () => {
  const sentence = await speak('words', 'en', 'the weather is lovely today, we should walk to the park');
  for (const digits of ['1234', '3591', '0000', '7208']) assert.equal((await verifyDigits(sentence, digits, opts)).accepted, false, digits);
  const zh = await speak('words-zh', 'cmn', '今天天气很好，我们去公园走走吧');
  for (const digits of ['1234', '7208']) assert.equal((await verifyDigits(zh, digits, opts)).accepted, false, digits);
});

test('silence and noise do not verify', async () => {
  const silence = new Float32Array(3 * 16000);
  assert.equal((await verifyDigits(silence, '1234', opts)).accepted, false);
  assert.equal((await recognizeDigits(silence)).digits, '');
  let seed = 1;
  const noise = Float32Array.from({ length: 3 * 16000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.3);
  assert.equal((await verifyDigits(noise, '1234', opts)).accepted, false);
});

test('an empty recording is rejected, not a crash', async () => {
  const v = await verifyDigits(new Float32Array(0), '1234', opts);
  assert.equal(v.accepted, false);
});

test('bad audio and bad digits get clear error codes', async () => {
  const bad = join(dir, 'bad.wav');
  writeFileSync(bad, 'this is not audio');
  await assert.rejects(readAudioFile(bad), (e: unknown) => e instanceof SpeechError && e.errorName === 'NO_SOUND');
  await assert.rejects(readAudioFile(join(dir, 'missing.wav')), (e: unknown) => e instanceof SpeechError && e.errorName === 'INVALID_PARAMETER');
  await assert.rejects(verifyDigits(english, '12a4', opts), (e: unknown) => e instanceof SpeechError && e.errorName === 'INVALID_PARAMETER');
  await assert.rejects(verifyDigits(english, '', opts), (e: unknown) => e instanceof SpeechError && e.errorName === 'INVALID_PARAMETER');
});

const fsdd = join(data, 'speech', 'fsdd');

test('shared data: real non-digit sentences (AISHELL-1, LibriSpeech) never verify', async (t) => {
  const dirs = ['mandarin', 'english'].map((s) => join(data, 'speech', s));
  if (!dirs.every(existsSync)) return t.skip(`shared data not found at ${data} (set LIVECHECK_SHARED_DATA)`);
  for (const d of dirs) {
    for (const f of readdirSync(d).filter((n) => n.endsWith('.wav'))) {
      const pcm = await readAudioFile(join(d, f));
      for (const digits of ['1234', '5678', '9012', '3456']) assert.equal((await verifyDigits(pcm, digits, opts)).accepted, false, `${f} ${digits}`);
    }
  }
});

test('shared data: a held-out FSDD speaker reading four digits verifies', async (t) => {
  if (!existsSync(fsdd)) return t.skip(`shared data not found at ${data} (set LIVECHECK_SHARED_DATA)`);
  const wavs = ['3_theo_1.wav', '5_theo_2.wav', '0_theo_3.wav', '8_theo_4.wav'].map((f) => join(fsdd, f));
  const joined = join(dir, 'fsdd.wav');
  const pause = join(dir, 'pause.wav');
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', pause, 'trim', '0', '0.25']);
  execFileSync('sox', [...wavs.flatMap((w) => [w, pause]), '-r', '16000', joined, 'pad', '0.3', '0.3']);
  const pcm = await readAudioFile(joined);
  const v = await verifyDigits(pcm, '3508', opts);
  assert.equal(v.accepted, true, JSON.stringify(v));
  assert.equal((await verifyDigits(pcm, '3518', opts)).accepted, false);
});
