import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeWav } from '../../media/index.js';
import { verifyDigits } from '../verify.js';
import { frameDensities, loadSphinxModel, senoneScores } from './acoustic.js';
import { checkMandarin, downsample, LOW_PASS, readMandarin, sphinxModelDir } from './index.js';
import { gcinAvailable, gcinReading } from './mandarin-fixture.test-helper.js';
import { cepstra, features } from './mfcc.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-sphinx-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const GCIN_SKIP = gcinAvailable() ? false : 'Debian package gcin-voice not installed (real Mandarin syllables)';

/** espeak-ng reading `text`, 16-bit mono at `rate`. */
function speechAt(text: string, rate: number): Float32Array {
  const wav = join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-w', join(dir, 'raw.wav'), text]);
  execFileSync('sox', [join(dir, 'raw.wav'), '-r', String(rate), '-c', '1', '-b', '16', wav, 'pad', '0.3', '0.3']);
  const b = readFileSync(wav);
  const pcm = new Float32Array((b.length - 44) / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = b.readInt16LE(44 + 2 * i) / 32768;
  return pcm;
}
const speech8k = (text: string): Float32Array => speechAt(text, 8000);
const speech16k = (text: string): Float32Array => speechAt(text, 16000);

describe('converted Sphinx model (models/zh-digits-hmm)', () => {
  it('holds mixture weights that sum to about 1 for every senone and stream (the conversion read the clustered weights right)', () => {
    const m = loadSphinxModel(sphinxModelDir());
    const sums: number[] = [];
    for (let s = 0; s < m.senones; s++) {
      for (let f = 0; f < m.streams.length; f++) {
        let sum = 0;
        for (let k = 0; k < m.densities; k++) sum += m.mixw[(f * m.densities + k) * m.senones + s] as number;
        sums.push(sum);
      }
    }
    sums.sort((a, b) => a - b);
    const median = sums[sums.length >> 1] as number;
    assert.ok(median > 0.9 && median < 1.2, `median ${median}`);
    assert.ok((sums[0] as number) > 0.3 && (sums[sums.length - 1] as number) < 2, `range ${sums[0]}-${sums[sums.length - 1]}`);
  });

  it('has a word model for every digit, 1 also as yao', () => {
    const m = loadSphinxModel(sphinxModelDir());
    assert.deepEqual(Object.keys(m.words).sort(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(m.words['1']?.length, 2);
  });
});

describe('Sphinx front end', () => {
  const skip = existsSync('/usr/bin/sphinx_fe') ? false : 'sphinx_fe not installed (Debian sphinxbase-utils)';
  it('gives the cepstra sphinx_fe gives with the model feat.params', { skip }, () => {
    const pcm = speech8k('three, seven, one, nine');
    const wav = join(dir, 'fe.wav');
    writeFileSync(wav, encodeWav(pcm, 8000));
    const mfc = join(dir, 'fe.mfc');
    execFileSync('sphinx_fe', ['-lowerf', '1', '-upperf', '4000', '-nfilt', '20', '-wlen', '0.025', '-transform', 'dct', '-round_filters', 'no', '-remove_dc', 'yes',
      '-samprate', '8000', '-nfft', '256', '-dither', 'no', '-remove_silence', 'no', '-remove_noise', 'no', '-mswav', 'yes', '-i', wav, '-o', mfc], { stdio: 'ignore' });
    const b = readFileSync(mfc);
    const little = b.readInt32LE(0) * 4 + 4 === b.length;
    const count = little ? b.readInt32LE(0) : b.readInt32BE(0);
    const theirs = Array.from({ length: count }, (_, i) => (little ? b.readFloatLE(4 + 4 * i) : b.readFloatBE(4 + 4 * i)));
    const mine = cepstra(pcm, loadSphinxModel(sphinxModelDir()).frontEnd, false);
    let err = 0;
    let total = 0;
    mine.forEach((c, t) => c.forEach((v, k) => {
      const ref = theirs[t * 13 + k] ?? 0;
      err += (v - ref) ** 2;
      total += ref ** 2;
    }));
    assert.ok(Math.abs(mine.length - count / 13) <= 1, `${mine.length} frames against ${count / 13}`);
    assert.ok(Math.sqrt(err / total) < 0.01, `relative error ${Math.sqrt(err / total)}`);
  });
});


describe('Mandarin second reading', () => {
  it('reads fast real Mandarin digit strings and rejects the same sound claimed one digit off', { skip: GCIN_SKIP }, () => {
    for (const digits of ['0473', '5128', '6745']) {
      const reading = readMandarin(gcinReading(digits) as Float32Array);
      assert.ok(reading);
      const own = checkMandarin(reading, digits);
      assert.equal(own.heard, digits);
      assert.ok(own.margin > 0 && own.fit !== null && own.fit > -1.5, JSON.stringify(own));
      const off = digits.slice(0, 3) + String((Number(digits[3]) + 5) % 10);
      const claimed = checkMandarin(reading, off);
      assert.equal(claimed.heard, digits);
      assert.ok(claimed.margin < 0);
      assert.equal(claimed.fit, null, 'a string that lost is not fitted (the phone loop is not searched for it)');
    }
  });

  it('turns a reading the digit model rejects into an accepted verdict, with both parts in the evidence', { skip: GCIN_SKIP }, async () => {
    const v = await verifyDigits(gcinReading('0473') as Float32Array, '0473', { threshold: -1.58, hmmMinFit: -1.5 });
    assert.ok(v.modelScore <= -1.58, `the digit model alone accepts (${v.modelScore}): the case no longer tests the second reading`);
    assert.equal(v.mandarin?.accepted, true);
    assert.equal(v.accepted, true);
    assert.equal(v.language, 'zh');
    // Per-digit timing for the lip-sync stage comes from the reading that heard the digits: in
    // order, inside the 1 s of speech that starts 0.3 s into the recording.
    assert.deepEqual(v.segments.map((x) => x.digit).join(''), '0473');
    for (let i = 0; i < 4; i++) {
      const seg = v.segments[i] as (typeof v.segments)[number];
      assert.ok(seg.startSec > 0.3 && seg.endSec < 1.4, JSON.stringify(seg));
      if (i > 0) assert.ok(seg.startSec > (v.segments[i - 1] as typeof seg).endSec);
    }
    const impostor = await verifyDigits(gcinReading('0473') as Float32Array, '0478', { threshold: -1.58, hmmMinFit: -1.5 });
    assert.equal(impostor.accepted, false);
  });

  it('is not consulted when the digit model accepts, and accepts neither silence nor English read against a Mandarin model', async () => {
    const english = speech16k('three, five, nine, one');
    const accepted = await verifyDigits(english, '3591', { threshold: -1.58, hmmMinFit: -1.5 });
    assert.equal(accepted.accepted, true);
    assert.equal(accepted.mandarin, null);
    for (const [pcm, claim] of [[new Float32Array(16000 * 3), '1234'], [english, '2222']] as const) {
      const v = await verifyDigits(pcm, claim, { threshold: -1.58, hmmMinFit: -1.5 });
      assert.equal(v.accepted, false);
      assert.equal(v.mandarin?.accepted, false);
    }
    assert.equal(readMandarin(new Float32Array(1000)), null, 'a 60 ms recording is too short to read');
  });
});

describe('second reading arithmetic', () => {
  it('scores senones the same whether all at once or in two sets written into one another (the phone loop is scored only when needed)', () => {
    const m = loadSphinxModel(sphinxModelDir());
    const fd = frameDensities(m, features(cepstra(speech8k('one two three'), m.frontEnd), 20));
    const all = senoneScores(m, fd, new Set(Array.from({ length: m.senones }, (_, i) => i)));
    const first = new Set(Array.from({ length: m.senones }, (_, i) => i).filter((i) => i % 3 === 0));
    const rest = new Set(Array.from({ length: m.senones }, (_, i) => i).filter((i) => i % 3 !== 0));
    const split = senoneScores(m, fd, first);
    assert.equal(split[0]?.[1], -Infinity, 'a senone not asked for is not scored');
    senoneScores(m, fd, rest, split);
    assert.deepEqual(split, all);
  });

  it('low-passes four outputs at a time to the same result as one at a time, tail included', () => {
    let seed = 7;
    const x = Float32Array.from({ length: 4003 }, () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647 - 0.5;
    });
    const out = downsample(x);
    assert.equal(out.length, 2001);
    const half = (LOW_PASS.length - 1) / 2;
    for (let o = 0; o < out.length; o++) {
      let sum = 0;
      for (let i = 0; i < LOW_PASS.length; i++) {
        const at = 2 * o + i - half;
        sum += (at >= 0 && at < x.length ? (x[at] as number) : 0) * (LOW_PASS[i] as number);
      }
      assert.equal(out[o], Math.fround(sum), `output ${o}`);
    }
  });
});
