import { join } from 'node:path';
import { repoRoot } from '../../core/repo-root.js';
import { frameDensities, loadSphinxModel, senoneScores, type FrameDensities, type SphinxModel } from './acoustic.js';
import { digitNetwork, networkSenones, phoneLoop, viterbi, type Network } from './decode.js';
import { features, powerSpectra, warpedCepstra } from './mfcc.js';

/**
 * A second, independent reading of Mandarin digits: CMU Sphinx's tdt_sc_8k acoustic model,
 * trained on broadcast news by many speakers (models/zh-digits-hmm, converted by
 * training/sphinx/convert.py), searched over four-digit readings. The project's own digit model
 * has heard seven real Mandarin voices; this one has heard many, and it was never tuned on ours.
 * docs/speech.md has what it adds to the digit check and at what cost.
 */

export interface MandarinHmmCheck {
  /** The best four-digit reading (the expected string when it wins). */
  heard: string;
  /**
   * Log score of reading `expected` minus that of the best other four digits (> 0: expected
   * wins), per frame of the challenge's digits (`digitFrames`).
   */
  margin: number;
  /**
   * Log score per frame of reading `expected` minus that of the free phone loop (about 0 or above
   * when the digits explain the sound); null when the margin is at or below the margin floor the
   * check was asked with (`fitAbove`), where the fit decides nothing and the loop is not searched.
   * Per frame of the whole recording, not of the digits: sound around the digits that only the
   * loop's phones explain (noise, other speech) belongs in it, and per digit frame a genuine
   * reading with 20 s of background around it fitted at -21.
   */
  fit: number | null;
  /** Frames searched (10 ms each). */
  frames: number;
  /**
   * Frames the best reading of `expected` gives its digits (its silences left out): what the
   * margin is per. Per frame of the whole recording, silence or noise added around or between
   * the digits, which every four-digit reading explains alike, would shrink a losing challenge's
   * deficit towards 0 (docs/decisions.md).
   */
  digitFrames: number;
  /** Where the best reading of `expected` puts each digit, in seconds from the start. */
  words: { digit: string; startSec: number; endSec: number }[];
  /** The shortest of those digits, in seconds (0 when there are none). */
  shortestWordSec: number;
}

/** One recording's front end and acoustic scores, shared by every string checked against it. */
export interface MandarinReading {
  densities: FrameDensities;
  /** Per frame, the digit networks' senones; the phone loop's are added when it is first searched. */
  senones: Float32Array[];
  /** Best log score of any phone sequence (the free phone loop), once searched. */
  loop?: number;
}

export interface HmmFrontEnd {
  /** Where the loudest frame's c0 sits after normalisation (see features()). */
  c0Offset: number;
  /** Vocal-tract length warp of the filterbank (1: none; see warpedHz). */
  warp?: number;
}

/**
 * Chosen leave-one-voice-out over the seven real Mandarin voices (each voice's choice made on
 * the other six; 6 of 7 chose this, docs/speech.md), among c0 offsets 10-30 with and without
 * dropping pauses.
 */
export const HMM_FRONT_END: HmmFrontEnd = { c0Offset: 20 };

/** Step between the vocal-tract warps the second reading tries. */
const WARP_STEP = 0.1;

/**
 * The filterbank warps the second reading tries, in order: the recording as it is, then read
 * as from a vocal tract 10%, 20%, ... longer, up to `maxWarp` (1: no warp). CMU's broadcast-news
 * speakers are mostly men; a woman's or child's formants sit higher, and reading them through a
 * warped filterbank brings them where the model's Gaussians are (docs/speech.md).
 */
export function vocalTractWarps(maxWarp: number): number[] {
  const out = [1];
  for (let k = 1; 1 + k * WARP_STEP <= maxWarp + 1e-9; k++) out.push(Math.round((1 + k * WARP_STEP) * 1000) / 1000);
  return out;
}

const FRAME_SEC = 0.01;

/** Fewer frames than this (0.2 s of speech) is too little to read four digits from. */
const MIN_FRAMES = 20;

export const sphinxModelDir = (): string => process.env.LIVECHECK_ZH_HMM || join(repoRoot(), 'models', 'zh-digits-hmm');

interface Loaded {
  model: SphinxModel;
  loop: Network;
  /** Senones of the digit networks (every digit network holds every digit in every slot, so one set covers them all). */
  digitSenones: Set<number>;
  /** Senones only the phone loop uses. */
  loopSenones: Set<number>;
}

let cache: Loaded | undefined;

function loaded(): Loaded {
  if (cache) return cache;
  const model = loadSphinxModel(sphinxModelDir());
  const loop = phoneLoop(model);
  const digitSenones = networkSenones(digitNetwork(model, '0000'));
  const loopSenones = new Set([...networkSenones(loop)].filter((s) => !digitSenones.has(s)));
  cache = { model, loop, digitSenones, loopSenones };
  return cache;
}

const TAPS = 63;
const HALF = (TAPS - 1) / 2;
/** A 63-tap Hamming-windowed sinc low-pass at 3.7 kHz (of 16 kHz). */
export const LOW_PASS = Float64Array.from({ length: TAPS }, (_, i) => {
  const k = i - HALF;
  const cutoff = 3700 / 16000;
  const sinc = k === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * k) / (Math.PI * k);
  return sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (TAPS - 1)));
});

/**
 * 16 kHz to 8 kHz: the low-pass above, then every other sample. The filter is symmetric, so each
 * pair of samples that share a tap is added before the multiply (half the multiplies), and
 * four outputs are made per pass: four independent sums keep the CPU busy where one waits on
 * its own last addition. The result differs from a plain tap-by-tap sum only by rounding, below
 * the 16-bit step the front end rounds every sample to (a test bounds the difference). The
 * input is padded with zeros so that the four-wide pass also makes the last outputs: a separate
 * loop for them was met only at the end of a call, and V8 threw away the compiled function there.
 */
export function downsample(pcm16k: Float32Array): Float32Array {
  const length = Math.floor(pcm16k.length / 2);
  // The last pass makes up to three outputs past `length`; they read at most 6 samples beyond
  // the input's end (after the filter's half-width), so 8 zeros are enough.
  const padded = new Float64Array(pcm16k.length + 2 * HALF + 8);
  padded.set(pcm16k, HALF);
  const out = new Float32Array(Math.ceil(length / 4) * 4);
  fourWide(padded, out);
  return out.subarray(0, length);
}

function fourWide(padded: Float64Array, out: Float32Array): void {
  const h = LOW_PASS;
  const last = TAPS - 1;
  for (let o = 0; o < out.length; o += 4) {
    const at = 2 * o;
    let s0 = (padded[at + HALF] as number) * (h[HALF] as number);
    let s1 = (padded[at + 2 + HALF] as number) * (h[HALF] as number);
    let s2 = (padded[at + 4 + HALF] as number) * (h[HALF] as number);
    let s3 = (padded[at + 6 + HALF] as number) * (h[HALF] as number);
    for (let i = 0; i < HALF; i++) {
      const c = h[i] as number;
      const j = last - i;
      s0 += ((padded[at + i] as number) + (padded[at + j] as number)) * c;
      s1 += ((padded[at + 2 + i] as number) + (padded[at + 2 + j] as number)) * c;
      s2 += ((padded[at + 4 + i] as number) + (padded[at + 4 + j] as number)) * c;
      s3 += ((padded[at + 6 + i] as number) + (padded[at + 6 + j] as number)) * c;
    }
    out[o] = s0;
    out[o + 1] = s1;
    out[o + 2] = s2;
    out[o + 3] = s3;
  }
}

/**
 * Front end and acoustic scores of a 16 kHz recording (or of its 8 kHz power `spectra` when
 * given: powerSpectra); null when too short.
 */
export function readMandarin(pcm16k: Float32Array, opts: { spectra?: Float64Array[]; frontEnd?: HmmFrontEnd } = {}): MandarinReading | null {
  const { model, digitSenones } = loaded();
  const fe = opts.frontEnd ?? HMM_FRONT_END;
  const spectra = opts.spectra ?? powerSpectra(downsample(pcm16k), model.frontEnd);
  const cep = warpedCepstra(spectra, model.frontEnd, fe.warp ?? 1);
  if (cep.length < MIN_FRAMES) return null;
  const densities = frameDensities(model, features(cep, fe.c0Offset));
  return { densities, senones: senoneScores(model, densities, digitSenones) };
}

/**
 * The recording read through each of `warps` in turn (vocalTractWarps), from one 8 kHz copy
 * and its power spectra (a warp changes only the filterbank). Lazy, so a caller that stops at
 * the first reading that accepts reads no further; nothing when the recording is too short to
 * read, which is the same at every warp.
 */
export function* warpedReadings(pcm16k: Float32Array, warps: readonly number[]): Generator<{ warp: number; reading: MandarinReading }> {
  const spectra = powerSpectra(downsample(pcm16k), loaded().model.frontEnd);
  for (const warp of warps) {
    const reading = readMandarin(pcm16k, { spectra, frontEnd: { ...HMM_FRONT_END, warp } });
    if (!reading) return;
    yield { warp, reading };
  }
}

/** The free phone loop's best score, searched the first time a reading needs it. */
function loopScore(reading: MandarinReading): number {
  if (reading.loop === undefined) {
    const { model, loop, loopSenones } = loaded();
    senoneScores(model, reading.densities, loopSenones, reading.senones);
    reading.loop = viterbi(model, loop, reading.senones).scores[0] ?? -Infinity;
  }
  return reading.loop;
}

/**
 * How well `expected` (four digits or any length) reads from the recording, against every other
 * string of its length. The fit is searched only when the margin is above `fitAbove` (the
 * second reading's margin floor, `digits.hmmMinMargin`): below it nothing can accept.
 */
export function checkMandarin(reading: MandarinReading, expected: string, fitAbove: number): MandarinHmmCheck {
  const { model } = loaded();
  const result = viterbi(model, digitNetwork(model, expected), reading.senones);
  const [own = -Infinity, other = -Infinity] = result.scores;
  const t = reading.senones.length;
  const digits = (result.words[0] ?? []).filter((w) => w.mark !== 's');
  const words = digits.map((w) => ({ digit: w.mark, startSec: w.from * FRAME_SEC, endSec: (w.to + 1) * FRAME_SEC }));
  const digitFrames = Math.max(1, digits.reduce((n, w) => n + w.to - w.from + 1, 0));
  const heard = own >= other ? expected : (result.digits[1] ?? '');
  const margin = (own - other) / digitFrames;
  return {
    heard,
    margin,
    // Only a reading above the margin floor can be accepted, and only then does its fit matter.
    fit: margin > fitAbove ? (own - loopScore(reading)) / t : null,
    frames: t,
    digitFrames,
    words,
    shortestWordSec: words.length > 0 ? Math.min(...words.map((w) => w.endSec - w.startSec)) : 0,
  };
}
