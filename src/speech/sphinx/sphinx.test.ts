import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { seededRandom } from '../../core/seeded-random.js';
import { encodeWav } from '../../media/index.js';
import { mandarinAccepts, verifyDigits } from '../verify.js';
import { frameDensities, loadSphinxModel, senoneScores, type FrameDensities, type SphinxModel } from './acoustic.js';
import { assembleDensities, densitiesModuleText, DENSITIES_MODULE } from './build-wasm.js';
import { checkMandarin, downsample, HMM_FRONT_END, LOW_PASS, readMandarin, sphinxModelDir, vocalTractWarps, warpedReadings } from './index.js';
import { gcinAvailable, gcinReading } from './mandarin-fixture.test-helper.js';
import { digitNetwork, phoneLoop, viterbi, type Network } from './decode.js';
import { cepstra, features, warpedHz } from './mfcc.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-sphinx-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const GCIN_SKIP = gcinAvailable() ? false : 'Debian package gcin-voice not installed (real Mandarin syllables)';
/** The digit thresholds these cases were written for (one, -1.58, for both languages; the margin per digit frame), so they keep testing the second reading whatever the config says. */
const CASE_DIGITS = { minMargin: -1.58, minMarginMandarin: -1.58, hmmMinFit: -1.5, hmmMinMargin: 0, hmmMinDigitSec: 0.1, hmmMaxWarp: 1.2 };

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
      const own = checkMandarin(reading, digits, 0);
      assert.equal(own.heard, digits);
      assert.ok(own.margin > 0 && own.fit !== null && own.fit > -1.5, JSON.stringify(own));
      const off = digits.slice(0, 3) + String((Number(digits[3]) + 5) % 10);
      const claimed = checkMandarin(reading, off, 0);
      assert.equal(claimed.heard, digits);
      assert.ok(claimed.margin < 0);
      assert.equal(claimed.fit, null, 'a string that lost is not fitted (the phone loop is not searched for it)');
    }
  });

  it('turns a reading the digit model rejects into an accepted verdict, with both parts in the evidence', { skip: GCIN_SKIP }, async () => {
    const v = await verifyDigits(gcinReading('0473') as Float32Array, '0473', CASE_DIGITS);
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
    const impostor = await verifyDigits(gcinReading('0473') as Float32Array, '0478', CASE_DIGITS);
    assert.equal(impostor.accepted, false);
  });

  it('judges a claim by its digits, not by how much quiet surrounds them', { skip: GCIN_SKIP }, async () => {
    const reading = gcinReading('0473') as Float32Array;
    const quiet = (sec: number, seed: number): Float32Array => {
      const rand = seededRandom(seed);
      return Float32Array.from({ length: sec * 16000 }, () => (rand() - 0.5) * 0.002);
    };
    const join = (...parts: Float32Array[]): Float32Array => {
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
      return out;
    };
    const padded = join(reading, quiet(20, 11));
    const plain = checkMandarin(readMandarin(reading) as NonNullable<ReturnType<typeof readMandarin>>, '0478', -Infinity);
    const long = checkMandarin(readMandarin(padded) as NonNullable<ReturnType<typeof readMandarin>>, '0478', -Infinity);
    assert.ok(long.frames > 10 * plain.frames);
    // Per frame of the whole recording the deficit would have shrunk more than tenfold.
    assert.ok(long.margin < 0 && Math.abs(long.margin - plain.margin) < 0.3 * Math.abs(plain.margin), JSON.stringify({ plain: plain.margin, long: long.margin }));
    const late = join(quiet(5, 12), reading, quiet(20, 13));
    const loose = { ...CASE_DIGITS, hmmMinMargin: -0.15 };
    assert.equal((await verifyDigits(late, '0478', loose)).accepted, false);
    const v = await verifyDigits(late, '0473', CASE_DIGITS);
    assert.equal(v.accepted, true, JSON.stringify(v.mandarin));
    // The readings hear the speech cut out of the quiet; the times reported are the recording's.
    for (const seg of v.segments) assert.ok(seg.startSec > 5.3 && seg.endSec < 6.4, JSON.stringify(seg));
    for (const w of v.mandarin?.words ?? []) assert.ok(w.startSec >= 5 && w.endSec < 6.6, JSON.stringify(w));
  });

  it('is not consulted when the digit model accepts, and accepts neither silence nor English read against a Mandarin model', async () => {
    const english = speech16k('three, five, nine, one');
    const accepted = await verifyDigits(english, '3591', CASE_DIGITS);
    assert.equal(accepted.accepted, true);
    assert.equal(accepted.mandarin, null);
    for (const [pcm, claim] of [[new Float32Array(16000 * 3), '1234'], [english, '2222']] as const) {
      const v = await verifyDigits(pcm, claim, CASE_DIGITS);
      assert.equal(v.accepted, false);
      assert.equal(v.mandarin?.accepted, false);
    }
    assert.equal(readMandarin(new Float32Array(1000)), null, 'a 60 ms recording is too short to read');
  });
});

describe('vocal-tract warps of the second reading', () => {
  it('warps the filterbank piecewise linearly: none at 1, the top of the band fixed, continuous and rising', () => {
    for (const hz of [0, 500, 2000, 3999]) assert.equal(warpedHz(hz, 1, 4000), hz);
    for (const warp of [0.9, 1.1, 1.2]) {
      assert.ok(Math.abs(warpedHz(4000, warp, 4000) - 4000) < 1e-9);
      assert.ok(Math.abs(warpedHz(1000, warp, 4000) - 1000 * warp) < 1e-9, 'below the knee every frequency is scaled');
      let last = -1;
      for (let hz = 0; hz <= 4000; hz += 10) {
        const w = warpedHz(hz, warp, 4000);
        assert.ok(w > last && w - last < 20, `${warp} at ${hz} Hz: ${last} then ${w}`);
        last = w;
      }
    }
  });

  it('tries the recording as it is first, then steps of 0.1 up to the configured warp', () => {
    assert.deepEqual(vocalTractWarps(1), [1]);
    assert.deepEqual(vocalTractWarps(1.2), [1, 1.1, 1.2]);
    assert.deepEqual(vocalTractWarps(1.25), [1, 1.1, 1.2]);
    assert.deepEqual(vocalTractWarps(1.3), [1, 1.1, 1.2, 1.3]);
  });

  it('reads every warp from one set of power spectra exactly as a reading of its own would', () => {
    const pcm = speech16k('seven two zero eight');
    const shared = [...warpedReadings(pcm, vocalTractWarps(1.2))];
    assert.deepEqual(shared.map((r) => r.warp), [1, 1.1, 1.2]);
    for (const { warp, reading } of shared) {
      const alone = readMandarin(pcm, { frontEnd: { ...HMM_FRONT_END, warp } });
      assert.ok(alone);
      assert.deepEqual(reading.senones, alone.senones, `warp ${warp}`);
    }
  });

  it('accepts when any warped reading accepts', () => {
    const th = { hmmMinFit: -1.5, hmmMinMargin: 0, hmmMinDigitSec: 0.1 };
    const read = (margin: number, fit: number | null) => ({ margin, fit, shortestWordSec: 0.2 });
    assert.equal(mandarinAccepts([read(-0.1, -1), read(0.05, -1)], th), true);
    assert.equal(mandarinAccepts([read(-0.1, -1), read(0.05, -1.6)], th), false);
    assert.equal(mandarinAccepts([], th), false);
  });

  it('reads a voice with formants 20% higher through a warped filterbank, and still rejects it claimed one digit off', { skip: GCIN_SKIP }, async () => {
    const pcm = gcinReading('2864', 1.8, 1.2) as Float32Array;
    const plain = await verifyDigits(pcm, '2864', { ...CASE_DIGITS, hmmMaxWarp: 1 });
    assert.equal(plain.accepted, false, `without warps: ${JSON.stringify(plain.mandarin)}`);
    assert.equal(plain.mandarin?.warp, 1);
    const warped = await verifyDigits(pcm, '2864', CASE_DIGITS);
    assert.equal(warped.accepted, true, JSON.stringify(warped.mandarin));
    assert.ok((warped.mandarin?.warp ?? 1) > 1, 'accepted by a warped reading');
    for (const off of ['2865', '2804', '7864']) {
      const v = await verifyDigits(pcm, off, CASE_DIGITS);
      assert.equal(v.accepted, false, `${off}: ${JSON.stringify(v.mandarin)}`);
      assert.ok([1, 1.1, 1.2].includes(v.mandarin?.warp ?? 0), 'the reading that came closest is shown');
    }
  });
});

describe('second reading decision', () => {
  it('accepts a claim within the margin floor of the best reading, with a fit and digits long enough, and nothing else', () => {
    const th = { hmmMinFit: -1.5, hmmMinMargin: 0, hmmMinDigitSec: 0.1, hmmMaxWarp: 1.2 };
    const loose = { ...th, hmmMinMargin: -0.02 };
    const read = (margin: number, fit: number | null, shortestWordSec = 0.2) => ({ margin, fit, shortestWordSec });
    assert.equal(mandarinAccepts(read(0.05, -1), th), true);
    assert.equal(mandarinAccepts(read(0, -1), th), false, 'a tie is not a win at floor 0');
    assert.equal(mandarinAccepts(read(-0.01, -1), th), false);
    assert.equal(mandarinAccepts(read(-0.01, -1), loose), true, 'a close second passes a floor below 0');
    assert.equal(mandarinAccepts(read(-0.03, -1), loose), false);
    assert.equal(mandarinAccepts(read(0.05, -1.6), loose), false, 'the fit floor still applies');
    assert.equal(mandarinAccepts(read(0.05, null), loose), false, 'no fit, no acceptance');
    assert.equal(mandarinAccepts(read(0.05, -1, 0.08), loose), false, 'a digit squeezed into 80 ms was not said');
    assert.equal(mandarinAccepts(null, loose), false);
  });

  it('rejects any claim on digital silence, where the silence model fits a squeezed digit as well as anything', () => {
    const reading = readMandarin(new Float32Array(3 * 16000));
    assert.ok(reading);
    let seed = 3;
    const th = { hmmMinFit: -1.5, hmmMinMargin: -0.15, hmmMinDigitSec: 0.1 };
    for (let i = 0; i < 300; i++) {
      seed = (seed * 48271) % 2147483647;
      const claim = String(seed % 10000).padStart(4, '0');
      const c = checkMandarin(reading, claim, th.hmmMinMargin);
      assert.equal(mandarinAccepts(c, th), false, `${claim}: ${JSON.stringify({ margin: c.margin, fit: c.fit, shortest: c.shortestWordSec })}`);
    }
  });

  it('fits a claim exactly when its margin clears the floor it is checked with', { skip: GCIN_SKIP }, () => {
    const reading = readMandarin(gcinReading('0473') as Float32Array);
    assert.ok(reading);
    const off = checkMandarin(reading, '0478', 0);
    assert.ok(off.margin < 0);
    assert.equal(off.fit, null);
    const loose = checkMandarin(reading, '0478', off.margin - 0.01);
    assert.equal(loose.margin, off.margin);
    assert.ok(loose.fit !== null && Number.isFinite(loose.fit), 'below the margin the floor allows, the loop is searched and the fit reported');
  });
});

/**
 * The densities nearest each frame by the book: every dimension of every density added, the
 * same entry test, no early stop, no written-out loop. The search may stop adding a density's
 * dimensions early only because the sum never shrinks, so its answer must be this one's to the bit.
 */
function densitiesByTheBook(m: SphinxModel, feats: Float32Array[][]): FrameDensities {
  const ns = m.streams.length;
  const top = new Int32Array(feats.length * ns * 4);
  const rel = new Float64Array(feats.length * ns * 4);
  const best = new Float64Array(feats.length * ns);
  feats.forEach((streams, frame) => {
    streams.forEach((x, f) => {
      const mu = m.means[f] as Float64Array;
      const pr = m.precision[f] as Float64Array;
      const ln = m.logNorm[f] as Float64Array;
      const list: { k: number; v: number }[] = [];
      for (let k = 0; k < m.densities; k++) {
        let sum = 0;
        for (let d = 0; d < x.length; d++) {
          const e = (x[d] as number) - (mu[k * x.length + d] as number);
          sum += e * e * (pr[k * x.length + d] as number);
        }
        const bar = list.length < 4 ? -Infinity : (list[3] as { v: number }).v;
        if (sum >= 2 * ((ln[k] as number) - bar)) continue;
        const v = (ln[k] as number) - 0.5 * sum;
        const at = list.findIndex((e) => v > e.v);
        list.splice(at < 0 ? list.length : at, 0, { k, v });
        list.length = Math.min(list.length, 4);
      }
      const at = (frame * ns + f) * 4;
      best[frame * ns + f] = (list[0] as { v: number }).v;
      list.forEach((e, r) => {
        top[at + r] = e.k;
        rel[at + r] = Math.exp(Math.max(e.v - (list[0] as { v: number }).v, -96 * 1024 * Math.log(1.0001)));
      });
    });
  });
  return { frames: feats.length, top, rel, best };
}

/**
 * The best score of each final of a network by the book: per frame and node, each state's best
 * way in (itself or an earlier state of the phone, or, for the first state, the best exit of a
 * predecessor plus the entry penalty), on the Network as built, without the search's typed
 * arrays, shared predecessor groups or written-out states.
 */
function finalScoresByTheBook(m: SphinxModel, net: Network, senones: Float32Array[]): number[] {
  const A = (i: number): Float64Array[] => m.logTmats[(net.nodes[i] as Network['nodes'][number]).hmm.tmat] as Float64Array[];
  const emit = (t: number, i: number, j: number): number => (senones[t] as Float32Array)[(net.nodes[i] as Network['nodes'][number]).hmm.senones[j]] as number;
  const exitOf = (states: number[], i: number): number => Math.max(...states.map((v, s) => v + ((A(i)[s] as Float64Array)[3] as number)));
  let cur = net.nodes.map((node, i) => [node.start ? emit(0, i, 0) : -Infinity, -Infinity, -Infinity]);
  for (let t = 1; t < senones.length; t++) {
    const exits = cur.map((states, i) => exitOf(states, i));
    cur = net.nodes.map((node, i) =>
      [0, 1, 2].map((j) => {
        let best = Math.max(...[0, 1, 2].filter((s) => s <= j).map((s) => (cur[i]?.[s] as number) + ((A(i)[s] as Float64Array)[j] as number)));
        if (j === 0 && node.from.length > 0) best = Math.max(best, Math.max(...node.from.map((p) => exits[p] as number)) + node.penalty);
        return best + emit(t, i, j);
      }),
    );
  }
  const finals = new Array<number>(net.finals).fill(-Infinity);
  net.nodes.forEach((node, i) => {
    if (node.final >= 0) finals[node.final] = Math.max(finals[node.final] as number, exitOf(cur[i] as number[], i));
  });
  return finals;
}

describe('second reading arithmetic', () => {
  it('finds the nearest densities of each frame exactly as adding every dimension of every density does', () => {
    const m = loadSphinxModel(sphinxModelDir());
    const speech = features(cepstra(speech8k('seven two zero eight'), m.frontEnd), 20);
    assert.ok(speech.every((streams) => streams.every((x) => x.length === 13)), 'the front end makes 13-wide streams');
    const random = seededRandom(3);
    // Features far from every density too (the entry bar then rises slowly), and a stream of another width.
    const odd = speech.slice(0, 20).map((streams) => streams.map((x) => x.map((v) => v * 3 + (random() - 0.5) * 20)));
    for (const feats of [speech, odd]) assert.deepEqual(frameDensities(m, feats), densitiesByTheBook(m, feats));
    const narrow: SphinxModel = { ...m, streams: [5], means: [(m.means[0] as Float64Array).filter((_, i) => i % 13 < 5)], precision: [(m.precision[0] as Float64Array).filter((_, i) => i % 13 < 5)] };
    const five = speech.slice(0, 20).map((streams) => [(streams[0] as Float32Array).slice(0, 5)]);
    assert.deepEqual(frameDensities(narrow, five), densitiesByTheBook(narrow, five));
    // An odd number of densities leaves the last one paired with a pad that must never enter.
    const odd255: SphinxModel = {
      ...m,
      densities: 255,
      means: m.means.map((a) => a.slice(0, 255 * 13)),
      precision: m.precision.map((a) => a.slice(0, 255 * 13)),
      logNorm: m.logNorm.map((a) => a.slice(0, 255)),
    };
    assert.deepEqual(frameDensities(odd255, speech), densitiesByTheBook(odd255, speech));
  });

  it('runs the density search the committed WebAssembly holds, assembled from densities.wat', async () => {
    assert.equal(readFileSync(DENSITIES_MODULE, 'utf8'), densitiesModuleText(await assembleDensities()), 'run npm run build:wasm after editing densities.wat');
  });

  it('searches a network to the scores a by-the-book Viterbi gives, for the digit networks and the phone loop', () => {
    const m = loadSphinxModel(sphinxModelDir());
    const fd = frameDensities(m, features(cepstra(speech8k('seven two zero eight'), m.frontEnd), 20));
    const senones = senoneScores(m, fd, new Set(Array.from({ length: m.senones }, (_, i) => i)));
    for (const net of [digitNetwork(m, '7208'), digitNetwork(m, '1111'), phoneLoop(m)]) {
      assert.deepEqual(viterbi(m, net, senones).scores, finalScoresByTheBook(m, net, senones));
    }
  });

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

  it('scores a senone as the sum over streams of the log of its mixture, to float32 precision (one log of the product)', () => {
    const m = loadSphinxModel(sphinxModelDir());
    const fd = frameDensities(m, features(cepstra(speech8k('four nine six'), m.frontEnd), 20));
    const got = senoneScores(m, fd, new Set(Array.from({ length: m.senones }, (_, i) => i)));
    const ns = m.streams.length;
    let worst = 0;
    for (let t = 0; t < fd.frames; t++) {
      for (let s = 0; s < m.senones; s++) {
        let want = 0;
        for (let f = 0; f < ns; f++) {
          let mix = 0;
          for (let r = 0; r < 4; r++) {
            const at = (t * ns + f) * 4 + r;
            mix += (fd.rel[at] as number) * (m.mixw[(f * m.densities + (fd.top[at] as number)) * m.senones + s] as number);
          }
          want += (fd.best[t * ns + f] as number) + Math.log(mix);
        }
        worst = Math.max(worst, Math.abs((got[t]?.[s] as number) - want) / Math.max(1, Math.abs(want)));
      }
    }
    assert.ok(worst < 1e-6, `largest relative difference ${worst}`);
  });

  it('low-passes to a plain tap-by-tap sum up to rounding far below a 16-bit step, tail included', () => {
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
      // Float32 output: within a float32 rounding step of the exact sum (a 16-bit step is 3e-5).
      assert.ok(Math.abs((out[o] as number) - sum) < 1e-7, `output ${o}: ${out[o]} against ${sum}`);
    }
  });

  it('computes the cepstra a direct DFT of each windowed frame gives (the half-size FFT and its split)', () => {
    const m = loadSphinxModel(sphinxModelDir());
    const p = m.frontEnd;
    const pcm = speech8k('seven');
    const got = cepstra(pcm, p, false);
    const frameLen = Math.round(p.wlen * 8000);
    const shift = Math.round(8000 / p.frate);
    const mel = (f: number): number => 2595 * Math.log10(1 + f / 700);
    const melInv = (v: number): number => 700 * (10 ** (v / 2595) - 1);
    const lo = mel(p.lowerf);
    const step = (mel(p.upperf) - lo) / (p.nfilt + 1);
    for (const t of [0, 7, Math.floor(got.length / 2), got.length - 1]) {
      const start = t * shift;
      const x = Array.from({ length: frameLen }, (_, i) => Math.round((pcm[start + i] as number) * 32768));
      const pre = x.map((v, i) => v - p.alpha * (i > 0 ? (x[i - 1] as number) : start > 0 ? Math.round((pcm[start - 1] as number) * 32768) : 0));
      const mean = pre.reduce((a, b) => a + b, 0) / frameLen;
      const w = pre.map((v, i) => (v - mean) * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (frameLen - 1))));
      const power = Array.from({ length: p.nfft / 2 }, (_, k) => {
        let re = 0;
        let im = 0;
        w.forEach((v, n) => {
          re += v * Math.cos((2 * Math.PI * k * n) / p.nfft);
          im -= v * Math.sin((2 * Math.PI * k * n) / p.nfft);
        });
        return re * re + im * im;
      });
      const logmel = Array.from({ length: p.nfilt }, (_, i) => {
        const [left, centre, right] = [0, 1, 2].map((k) => melInv(lo + step * (i + k))) as [number, number, number];
        let e = 0;
        power.forEach((pw, k) => {
          const hz = (k * 8000) / p.nfft;
          if (hz >= left && hz <= right) e += (2 / (right - left)) * Math.min((hz - left) / (centre - left), (right - hz) / (right - centre)) * pw;
        });
        return Math.log(Math.max(e, 1e-4));
      });
      for (let c = 0; c < p.ncep; c++) {
        const scale = c === 0 ? Math.sqrt(1 / p.nfilt) : Math.sqrt(2 / p.nfilt);
        const want = logmel.reduce((a, v, j) => a + scale * Math.cos((Math.PI * c * (j + 0.5)) / p.nfilt) * v, 0);
        assert.ok(Math.abs((got[t]?.[c] as number) - want) < 1e-4 * Math.max(1, Math.abs(want)), `frame ${t} c${c}: ${got[t]?.[c]} against ${want}`);
      }
    }
  });
});
