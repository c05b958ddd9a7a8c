import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nearestFour, pairStream, type PairedStream } from './densities-simd.js';
import type { FrontEndParams } from './mfcc.js';

/**
 * The semi-continuous acoustic model converted from CMU Sphinx's tdt_sc_8k by
 * training/sphinx/convert.py (models/zh-digits-hmm/): three codebooks of 256 diagonal
 * Gaussians shared by every senone, each senone a mixture over them. A frame's senone score is,
 * per stream, the log of its mixture over the stream's 4 best Gaussians (pocketsphinx's top-N),
 * summed over the streams.
 */

export interface PhoneHmm {
  tmat: number;
  senones: [number, number, number];
}

export interface SphinxModel {
  frontEnd: FrontEndParams;
  words: Record<string, string[][]>;
  ci: Record<string, PhoneHmm>;
  triphones: Record<string, PhoneHmm>;
  /** Per tmat: log transition probabilities, 3 emitting states x 4 (the 4th is the exit). */
  logTmats: Float64Array[][];
  streams: number[];
  densities: number;
  senones: number;
  /** Per stream, density x dimension; float64 copies of the float32 model (exact), read faster in the inner loop. */
  means: Float64Array[];
  /** Per stream: 1 / variance (floored, in float32 like the model), and per density the log normaliser. */
  precision: Float64Array[];
  logNorm: Float64Array[];
  /** Stream x density x senone mixture weights. */
  mixw: Float32Array;
}

const VAR_FLOOR = 1e-4;
/** pocketsphinx's top-N densities per stream (senoneScores writes its mixture out for four terms, densities.wat keeps four). */
const TOP_N = 4;
/** pocketsphinx's MAX_NEG_ASCR: 96 units of 1024 * ln(1.0001) nats. */
const MAX_DENSITY_GAP = 96 * 1024 * Math.log(1.0001);

export function loadSphinxModel(dir: string): SphinxModel {
  const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    frontEnd: FrontEndParams; words: Record<string, string[][]>; ci: Record<string, PhoneHmm>; triphones: Record<string, PhoneHmm>;
    tmats: number[][][]; streams: number[]; densities: number; senones: number; mixwUnit: number;
  };
  const f32 = (name: string): Float32Array => {
    const b = readFileSync(join(dir, name));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const allMeans = f32('means.f32');
  const allVars = f32('variances.f32');
  const means: Float64Array[] = [];
  const precision: Float64Array[] = [];
  const logNorm: Float64Array[] = [];
  let at = 0;
  for (const dim of meta.streams) {
    const n = dim * meta.densities;
    means.push(Float64Array.from(allMeans.subarray(at, at + n)));
    const v = allVars.slice(at, at + n).map((x) => Math.max(x, VAR_FLOOR));
    precision.push(Float64Array.from(v.map((x) => 1 / x)));
    logNorm.push(Float64Array.from({ length: meta.densities }, (_, k) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += Math.log(2 * Math.PI * (v[k * dim + d] as number));
      return -0.5 * s;
    }));
    at += n;
  }
  const mixw = readFileSync(join(dir, 'mixw.u8'));
  // mixw.u8 is senone x stream x density; the scorer wants stream x density x senone.
  const ns = meta.streams.length;
  const weights = new Float32Array(mixw.length);
  for (let s = 0; s < meta.senones; s++) {
    for (let f = 0; f < ns; f++) {
      for (let k = 0; k < meta.densities; k++) weights[(f * meta.densities + k) * meta.senones + s] = Math.exp(-(mixw[(s * ns + f) * meta.densities + k] as number) * meta.mixwUnit);
    }
  }
  const logTmats = meta.tmats.map((m) => m.map((row) => Float64Array.from(row, (p) => (p > 0 ? Math.log(p) : -Infinity))));
  return { frontEnd: meta.frontEnd, words: meta.words, ci: meta.ci, triphones: meta.triphones, logTmats, streams: meta.streams, densities: meta.densities, senones: meta.senones, means, precision, logNorm, mixw: weights };
}

/**
 * Per frame and stream, the TOP_N densities nearest the features (pocketsphinx's top-N): what
 * every senone's score is made from, found once per recording.
 */
export interface FrameDensities {
  frames: number;
  /** frames x streams x TOP_N density indices, best first. */
  top: Int32Array;
  /** The same densities' likelihoods relative to the best, floored at MAX_DENSITY_GAP below it. */
  rel: Float64Array;
  /** frames x streams: the best density's log-likelihood. */
  best: Float64Array;
}

const paired = new WeakMap<SphinxModel, PairedStream[]>();

function pairedStreams(model: SphinxModel): PairedStream[] {
  let p = paired.get(model);
  if (!p) {
    p = model.streams.map((dim, f) => pairStream(model.means[f] as Float64Array, model.precision[f] as Float64Array, model.logNorm[f] as Float64Array, dim));
    paired.set(model, p);
  }
  return p;
}

/**
 * The search itself is densities.wat (nearestFour): a density's log-likelihood is its
 * normaliser minus half the precision-weighted squared distance, and a density enters the top
 * list (best first, an earlier density ahead of a later one that ties) unless the distance reaches
 * twice its normaliser's lead over the last entry, pocketsphinx's test.
 */
export function frameDensities(model: SphinxModel, feats: Float32Array[][]): FrameDensities {
  const ns = model.streams.length;
  const frames = feats.length;
  const top = new Int32Array(frames * ns * TOP_N);
  const rel = new Float64Array(frames * ns * TOP_N);
  const best = new Float64Array(frames * ns);
  const topK = new Int32Array(frames * TOP_N);
  const topV = new Float64Array(frames * TOP_N);
  pairedStreams(model).forEach((stream, f) => {
    nearestFour(stream, feats.map((streams) => streams[f] as Float32Array), topK, topV);
    for (let frame = 0; frame < frames; frame++) {
      const at = (frame * ns + f) * TOP_N;
      const b = topV[frame * TOP_N] as number;
      best[frame * ns + f] = b;
      for (let r = 0; r < TOP_N; r++) {
        top[at + r] = topK[frame * TOP_N + r] as number;
        rel[at + r] = Math.exp(Math.max((topV[frame * TOP_N + r] as number) - b, -MAX_DENSITY_GAP));
      }
    }
  });
  return { frames, top, rel, best };
}

/**
 * Senone log-likelihoods per frame (frames x senones) of the given senones only, written into
 * `into` when given (senones scored earlier stay as they are); the others are -Infinity. A
 * senone's stream score is the log of its mixture over the stream's top densities; the streams'
 * mixtures are multiplied and their log taken once (a mixture is at least 1e-16 here, see
 * MAX_DENSITY_GAP and the weights' 8 bits, so three of them stay far from underflow), where a
 * log per stream cost three quarters of this function's time.
 */
export function senoneScores(model: SphinxModel, fd: FrameDensities, wanted: Set<number>, into?: Float32Array[]): Float32Array[] {
  const nd = model.densities;
  const ns = model.streams.length;
  const nsen = model.senones;
  const mixw = model.mixw;
  const wantedList = Int32Array.from(wanted);
  const nw = wantedList.length;
  const scores = into ?? Array.from({ length: fd.frames }, () => new Float32Array(nsen).fill(-Infinity));
  const product = new Float64Array(nw);
  for (let frame = 0; frame < fd.frames; frame++) {
    product.fill(1);
    let base = 0;
    for (let f = 0; f < ns; f++) {
      const at = (frame * ns + f) * TOP_N;
      // Weights are stored stream x density x senone, so each top density's row is read in
      // order; the four terms are added best first.
      const o0 = (f * nd + (fd.top[at] as number)) * nsen;
      const o1 = (f * nd + (fd.top[at + 1] as number)) * nsen;
      const o2 = (f * nd + (fd.top[at + 2] as number)) * nsen;
      const o3 = (f * nd + (fd.top[at + 3] as number)) * nsen;
      const e0 = fd.rel[at] as number;
      const e1 = fd.rel[at + 1] as number;
      const e2 = fd.rel[at + 2] as number;
      const e3 = fd.rel[at + 3] as number;
      base += fd.best[frame * ns + f] as number;
      for (let w = 0; w < nw; w++) {
        const sen = wantedList[w] as number;
        product[w] = (product[w] as number) * (e0 * (mixw[o0 + sen] as number) + e1 * (mixw[o1 + sen] as number) + e2 * (mixw[o2 + sen] as number) + e3 * (mixw[o3 + sen] as number));
      }
    }
    const out = scores[frame] as Float32Array;
    for (let w = 0; w < nw; w++) out[wantedList[w] as number] = base + Math.log(product[w] as number);
  }
  return scores;
}
