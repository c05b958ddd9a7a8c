import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  means: Float32Array[];
  /** Per stream: 1 / variance (floored), and per density the log normaliser. */
  precision: Float32Array[];
  logNorm: Float64Array[];
  /** Stream x density x senone mixture weights. */
  mixw: Float32Array;
}

const VAR_FLOOR = 1e-4;
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
  const means: Float32Array[] = [];
  const precision: Float32Array[] = [];
  const logNorm: Float64Array[] = [];
  let at = 0;
  for (const dim of meta.streams) {
    const n = dim * meta.densities;
    means.push(allMeans.slice(at, at + n));
    const v = allVars.slice(at, at + n).map((x) => Math.max(x, VAR_FLOOR));
    precision.push(v.map((x) => 1 / x));
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

/** Senone log-likelihoods per frame (frames x senones) of the given senones only; others stay -Infinity. */
export function senoneScores(model: SphinxModel, feats: Float32Array[][], wanted: Set<number>): Float32Array[] {
  const nd = model.densities;
  const ns = model.streams.length;
  const wantedList = Int32Array.from(wanted);
  const gauss = model.streams.map(() => new Float64Array(nd));
  const top = model.streams.map(() => new Int32Array(TOP_N));
  const topScore = new Float64Array(TOP_N);
  const topScore0 = new Float64Array(ns);
  const dens = model.streams.map(() => new Float64Array(TOP_N));
  const acc = new Float64Array(model.senones);
  return feats.map((streams) => {
    for (let f = 0; f < ns; f++) {
      const x = streams[f] as Float32Array;
      const dim = x.length;
      const mu = model.means[f] as Float32Array;
      const pr = model.precision[f] as Float32Array;
      const ln = model.logNorm[f] as Float64Array;
      const g = gauss[f] as Float64Array;
      const t = top[f] as Int32Array;
      topScore.fill(-Infinity);
      for (let k = 0; k < nd; k++) {
        // Stop adding dimensions once the density cannot reach the top N (pocketsphinx's trick).
        const limit = 2 * ((ln[k] as number) - (topScore[TOP_N - 1] as number));
        let sum = 0;
        const o = k * dim;
        let d = 0;
        for (; d < dim && sum < limit; d++) {
          const diff = (x[d] as number) - (mu[o + d] as number);
          sum += diff * diff * (pr[o + d] as number);
        }
        if (d < dim || sum >= limit) continue;
        const v = (ln[k] as number) - 0.5 * sum;
        g[k] = v;
        let r = TOP_N - 1;
        while (r > 0 && v > (topScore[r - 1] as number)) {
          topScore[r] = topScore[r - 1] as number;
          t[r] = t[r - 1] as number;
          r--;
        }
        topScore[r] = v;
        t[r] = k;
      }
    }
    // Per stream, the top N densities relative to the best, floored at MAX_DENSITY_GAP below it
    // as pocketsphinx does; a senone's stream score is then the log of its mixture over them.
    for (let f = 0; f < ns; f++) {
      const g = gauss[f] as Float64Array;
      const t = top[f] as Int32Array;
      const best = g[t[0] as number] as number;
      topScore0[f] = best;
      for (let r = 0; r < TOP_N; r++) (dens[f] as Float64Array)[r] = Math.exp(Math.max((g[t[r] as number] as number) - best, -MAX_DENSITY_GAP));
    }
    const out = new Float32Array(model.senones).fill(-Infinity);
    for (let w = 0; w < wantedList.length; w++) out[wantedList[w] as number] = 0;
    for (let f = 0; f < ns; f++) {
      const t = top[f] as Int32Array;
      const e = dens[f] as Float64Array;
      acc.fill(0);
      // Weights are stored stream x density x senone, so each top density's row is read in order.
      for (let r = 0; r < TOP_N; r++) {
        const row = ((f * nd + (t[r] as number)) * model.senones) as number;
        const er = e[r] as number;
        for (let w = 0; w < wantedList.length; w++) {
          const sen = wantedList[w] as number;
          acc[sen] = (acc[sen] as number) + er * (model.mixw[row + sen] as number);
        }
      }
      const base = topScore0[f] as number;
      for (let w = 0; w < wantedList.length; w++) {
        const sen = wantedList[w] as number;
        out[sen] = (out[sen] as number) + base + Math.log(acc[sen] as number);
      }
    }
    return out;
  });
}
