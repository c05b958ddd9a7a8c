import { DENSITIES_WASM } from './densities-wasm.js';

/**
 * The density search of densities.wat: per frame, the four densities of one stream nearest the
 * features, best first, with their log-likelihoods. Two densities per SIMD instruction, each
 * summed in a scalar loop's order, so the answer is a scalar search's to the bit (a test compares
 * it with a by-the-book search). This search is most of the second reading's time: 4 ms per
 * warp on 5 s of speech against 11 ms written in JavaScript (docs/speech.md).
 */

/** The kernel is written out for this many dimensions; narrower streams are padded with zeros. */
const DIM = 13;

interface Kernel {
  memory: WebAssembly.Memory;
  top4: (x: number, frames: number, mu: number, pr: number, ln: number, pairs: number, outK: number, outV: number) => void;
}

let kernel: Kernel | undefined;

function load(): Kernel {
  if (!kernel) {
    const { memory, top4 } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(DENSITIES_WASM, 'base64'))).exports as unknown as Kernel;
    kernel = { memory, top4 };
  }
  return kernel;
}

/** A stream's densities laid out for the kernel: densities 2p and 2p+1 side by side per dimension. */
export interface PairedStream {
  dim: number;
  pairs: number;
  mu: Float64Array;
  pr: Float64Array;
  /** Log normalisers; an odd count is padded with -Infinity. */
  ln: Float64Array;
}

/**
 * Interleaves one stream's density-major means and precisions. Dimensions past `dim` have mean
 * and precision 0 (they add exactly 0). An odd last density is paired with a pad of normaliser
 * -Infinity, which fails the entry test once four densities are in, and the first four real
 * densities always enter.
 */
export function pairStream(mu: Float64Array, pr: Float64Array, ln: Float64Array, dim: number): PairedStream {
  const n = ln.length;
  if (n < 4) throw new Error(`a stream needs at least 4 densities, has ${n}`);
  if (dim > DIM) throw new Error(`the density search handles streams of up to ${DIM} dimensions, not ${dim}`);
  const pairs = Math.ceil(n / 2);
  const pm = new Float64Array(pairs * DIM * 2);
  const pp = new Float64Array(pairs * DIM * 2);
  for (let k = 0; k < n; k++) {
    for (let d = 0; d < dim; d++) {
      const at = ((k >> 1) * DIM + d) * 2 + (k & 1);
      pm[at] = mu[k * dim + d] as number;
      pp[at] = pr[k * dim + d] as number;
    }
  }
  const pl = new Float64Array(pairs * 2).fill(-Infinity);
  pl.set(ln);
  return { dim, pairs, mu: pm, pr: pp, ln: pl };
}

/**
 * The nearest four densities of `stream` for each of `feats` (one stream's features per frame):
 * indices into `topK` and log-likelihoods into `topV`, four per frame, best first.
 */
export function nearestFour(stream: PairedStream, feats: Float32Array[], topK: Int32Array, topV: Float64Array): void {
  const k = load();
  const frames = feats.length;
  const muAt = 0;
  const prAt = muAt + stream.mu.length * 8;
  const lnAt = prAt + stream.pr.length * 8;
  const xAt = lnAt + stream.ln.length * 8;
  const kAt = xAt + frames * DIM * 8;
  const vAt = kAt + frames * 16;
  const end = vAt + frames * 32;
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  const f64 = new Float64Array(k.memory.buffer);
  f64.set(stream.mu, muAt / 8);
  f64.set(stream.pr, prAt / 8);
  f64.set(stream.ln, lnAt / 8);
  const x = f64.subarray(xAt / 8, xAt / 8 + frames * DIM).fill(0);
  feats.forEach((f, i) => x.set(f.subarray(0, stream.dim), i * DIM));
  k.top4(xAt, frames, muAt, prAt, lnAt, stream.pairs, kAt, vAt);
  topK.set(new Int32Array(k.memory.buffer, kAt, frames * 4));
  topV.set(new Float64Array(k.memory.buffer, vAt, frames * 4));
}
