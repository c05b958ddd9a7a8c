/**
 * The front end CMU Sphinx's tdt_sc_8k model was trained with (its feat.params): 8 kHz, 25 ms
 * Hamming frames every 10 ms, pre-emphasis 0.97, 256-point FFT, 20 unit-area mel filters from 1 to
 * 4000 Hz, natural log, orthonormal DCT to 13 cepstra, utterance mean removed, then each frame's
 * cepstra with their deltas (t+2 minus t-2) and delta-deltas, as three 13-wide streams. Written to
 * match sphinxbase's fe and feat modules (checked against sphinx_fe in the tests), because the
 * model's Gaussians only fit the features they were trained on.
 */

export interface FrontEndParams {
  nfilt: number;
  lowerf: number;
  upperf: number;
  wlen: number;
  frate: number;
  nfft: number;
  ncep: number;
  alpha: number;
}

const SAMPLE_RATE = 8000;

const mel = (f: number): number => 2595 * Math.log10(1 + f / 700);
const melInv = (m: number): number => 700 * (10 ** (m / 2595) - 1);

interface Plan {
  p: FrontEndParams;
  frameLen: number;
  shift: number;
  window: Float64Array;
  /** Per filter: first FFT bin and weights. */
  filters: { first: number; weights: Float64Array }[];
  cos: Float64Array[];
  /** e^(-2 pi i k / nfft) for k < nfft / 2: the half-size FFT uses the even ones, the split all. */
  twiddleRe: Float64Array;
  twiddleIm: Float64Array;
  /** Bit-reversed order of the half-size FFT's nfft / 2 points. */
  reversed: Int32Array;
}

const plans = new Map<string, Plan>();

/**
 * Vocal-tract length normalisation: the frequency a filter edge reads from, for a speaker whose
 * formants sit `warp` times higher than the model's speakers' (piecewise linear, the top of the
 * band fixed, as sphinxbase's piecewise_linear warp).
 */
export function warpedHz(hz: number, warp: number, top: number): number {
  if (warp === 1) return hz;
  const knee = (0.85 * top * Math.min(warp, 1)) / warp;
  return hz <= knee ? hz * warp : top - ((top - hz) * (top - warp * knee)) / (top - knee);
}

function plan(p: FrontEndParams, warp: number): Plan {
  const key = `${JSON.stringify(p)} ${warp}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const frameLen = Math.round(p.wlen * SAMPLE_RATE);
  const shift = Math.round(SAMPLE_RATE / p.frate);
  const window = Float64Array.from({ length: frameLen }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (frameLen - 1)));
  const lo = mel(p.lowerf);
  const step = (mel(p.upperf) - lo) / (p.nfilt + 1);
  const filters = Array.from({ length: p.nfilt }, (_, i) => {
    const [left, centre, right] = [0, 1, 2].map((k) => warpedHz(melInv(lo + step * (i + k)), warp, p.upperf)) as [number, number, number];
    const height = 2 / (right - left);
    const bins: number[] = [];
    let first = -1;
    for (let k = 0; k < p.nfft / 2; k++) {
      const hz = (k * SAMPLE_RATE) / p.nfft;
      if (hz < left) continue;
      if (hz > right) break;
      if (first < 0) first = k;
      bins.push(height * Math.min((hz - left) / (centre - left), (right - hz) / (right - centre)));
    }
    return { first: Math.max(0, first), weights: Float64Array.from(bins) };
  });
  const cos = Array.from({ length: p.ncep }, (_, i) => {
    const scale = i === 0 ? Math.sqrt(1 / p.nfilt) : Math.sqrt(2 / p.nfilt);
    return Float64Array.from({ length: p.nfilt }, (_, j) => scale * Math.cos((Math.PI * i * (j + 0.5)) / p.nfilt));
  });
  const twiddleRe = Float64Array.from({ length: p.nfft / 2 }, (_, k) => Math.cos((-2 * Math.PI * k) / p.nfft));
  const twiddleIm = Float64Array.from({ length: p.nfft / 2 }, (_, k) => Math.sin((-2 * Math.PI * k) / p.nfft));
  const half = p.nfft / 2;
  const bits = Math.log2(half);
  const reversed = Int32Array.from({ length: half }, (_, i) => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
  });
  const made = { p, frameLen, shift, window, filters, cos, twiddleRe, twiddleIm, reversed };
  plans.set(key, made);
  return made;
}

/** In-place iterative radix-2 FFT of nfft / 2 complex points (twiddles: every other of the plan's). */
function halfFft(re: Float64Array, im: Float64Array, pl: Plan): void {
  const n = re.length;
  const rev = pl.reversed;
  const twr = pl.twiddleRe;
  const twi = pl.twiddleIm;
  for (let i = 1; i < n; i++) {
    const j = rev[i] as number;
    if (i < j) {
      const r = re[i] as number;
      re[i] = re[j] as number;
      re[j] = r;
      const m = im[i] as number;
      im[i] = im[j] as number;
      im[j] = m;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const stride = (2 * n) / len;
    const h = len >> 1;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < h; k++) {
        const wr = twr[k * stride] as number;
        const wi = twi[k * stride] as number;
        const a = i + k;
        const b = a + h;
        const br = re[b] as number;
        const bi = im[b] as number;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        const ar = re[a] as number;
        const ai = im[a] as number;
        re[b] = ar - xr;
        im[b] = ai - xi;
        re[a] = ar + xr;
        im[a] = ai + xi;
      }
    }
  }
}

/**
 * The power spectrum (bins 0..nfft/2 - 1) of a real frame of nfft samples, through an FFT of half
 * the size: even samples as the real part, odd as the imaginary, then split into the even and
 * odd halves' spectra. Half the work of a full complex FFT on a real signal; equal to it up to
 * rounding (a test compares the two).
 */
function powerSpectrum(frame: Float64Array, re: Float64Array, im: Float64Array, power: Float64Array, pl: Plan): void {
  const half = re.length;
  re.fill(0);
  im.fill(0);
  for (let i = 0; i < frame.length; i++) {
    if (i & 1) im[i >> 1] = frame[i] as number;
    else re[i >> 1] = frame[i] as number;
  }
  halfFft(re, im, pl);
  const twr = pl.twiddleRe;
  const twi = pl.twiddleIm;
  for (let k = 0; k < half; k++) {
    const c = k === 0 ? 0 : half - k;
    const zr = re[k] as number;
    const zi = im[k] as number;
    const cr = re[c] as number;
    const ci = im[c] as number;
    const er = 0.5 * (zr + cr);
    const ei = 0.5 * (zi - ci);
    const or = 0.5 * (zi + ci);
    const oi = -0.5 * (zr - cr);
    const wr = twr[k] as number;
    const wi = twi[k] as number;
    const xr = er + wr * or - wi * oi;
    const xi = ei + wr * oi + wi * or;
    power[k] = xr * xr + xi * xi;
  }
}

/**
 * One least-significant bit of deterministic dither per sample (sphinxbase's -dither), so digital
 * silence has a floor like a microphone's instead of the log floor. The same sequence for every
 * recording, made once and extended when a longer one comes. It is the sequence the shipped
 * figures were measured with: the multiply runs in doubles past 2^53, so it is not the textbook
 * LCG it looks like, but it is fixed (docs/decisions.md, second reading).
 */
let ditherCache = new Uint8Array(0);
let ditherSeed = 1;

function ditherBits(n: number): Uint8Array {
  if (ditherCache.length >= n) return ditherCache;
  const grown = new Uint8Array(Math.max(n, 2 * ditherCache.length));
  grown.set(ditherCache);
  for (let i = ditherCache.length; i < grown.length; i++) {
    ditherSeed = (ditherSeed * 1103515245 + 12345) & 0x7fffffff;
    grown[i] = ditherSeed % 4 === 0 ? 1 : 0;
  }
  ditherCache = grown;
  return ditherCache;
}

/**
 * Cepstra (frames x ncep) of 8 kHz PCM scaled like 16-bit samples, before mean removal.
 * `dither` (on by default) is off only to compare with sphinx_fe in the tests.
 */
export function cepstra(pcm8k: Float32Array, p: FrontEndParams, dither = true, warp = 1): Float32Array[] {
  return warpedCepstra(powerSpectra(pcm8k, p, dither), p, warp);
}

/**
 * Each frame's power spectrum (bins 0..nfft/2 - 1), the part of the front end a vocal-tract
 * warp does not change: the second reading computes it once and applies each warp's filterbank
 * to it (warpedCepstra).
 */
export function powerSpectra(pcm8k: Float32Array, p: FrontEndParams, dither = true): Float64Array[] {
  const pl = plan(p, 1);
  const { frameLen, shift } = pl;
  const out: Float64Array[] = [];
  const re = new Float64Array(p.nfft / 2);
  const im = new Float64Array(p.nfft / 2);
  const frame = new Float64Array(frameLen);
  const dith = dither ? ditherBits(pcm8k.length) : undefined;
  const x16 = new Float64Array(pcm8k.length);
  for (let i = 0; i < x16.length; i++) x16[i] = Math.round((pcm8k[i] as number) * 32768) + (dith ? (dith[i] as number) : 0);
  for (let start = 0; start + frameLen <= x16.length; start += shift) out.push(frameSpectrum(x16, start, frame, re, im, pl));
  return out;
}

/** The power spectrum of the frame of `x16` at `start` (`frame`, `re` and `im` are scratch). */
function frameSpectrum(x16: Float64Array, start: number, frame: Float64Array, re: Float64Array, im: Float64Array, pl: Plan): Float64Array {
  const { frameLen, window } = pl;
  const { alpha, nfft } = pl.p;
  // Pre-emphasis from the sample before the frame, then the frame's mean, then the window.
  let prior = start > 0 ? (x16[start - 1] as number) : 0;
  let mean = 0;
  for (let i = 0; i < frameLen; i++) {
    const x = x16[start + i] as number;
    const y = x - alpha * prior;
    frame[i] = y;
    prior = x;
    mean += y;
  }
  mean /= frameLen;
  for (let i = 0; i < frameLen; i++) frame[i] = ((frame[i] as number) - mean) * (window[i] as number);
  const power = new Float64Array(nfft / 2);
  powerSpectrum(frame, re, im, power, pl);
  return power;
}

/** Cepstra (frames x ncep) of power spectra (powerSpectra) through the filterbank warped by `warp`. */
export function warpedCepstra(spectra: Float64Array[], p: FrontEndParams, warp = 1): Float32Array[] {
  const { filters, cos } = plan(p, warp);
  const { nfilt, ncep } = p;
  const logmel = new Float64Array(nfilt);
  return spectra.map((power) => {
    for (let i = 0; i < nfilt; i++) {
      const { first, weights } = filters[i] as Plan['filters'][number];
      let e = 0;
      for (let k = 0; k < weights.length; k++) e += (weights[k] as number) * (power[first + k] as number);
      logmel[i] = Math.log(Math.max(e, 1e-4));
    }
    const c = new Float32Array(ncep);
    for (let i = 0; i < ncep; i++) {
      const w = cos[i] as Float64Array;
      let acc = 0;
      for (let j = 0; j < nfilt; j++) acc += (w[j] as number) * (logmel[j] as number);
      c[i] = acc;
    }
    return c;
  });
}

/**
 * Cepstra with their mean removed, then deltas and delta-deltas as three streams per frame
 * ([c, d, dd], each ncep wide; the utterance's edge frames repeated for the windows). c1..c12
 * lose the utterance mean; c0 (loudness) is set relative to the utterance's loudest frame, at
 * `c0Offset` below it. pocketsphinx instead starts from a fixed c0 (its cmninit, 54) and adapts
 * it over the utterances of a session; a single recording has no session, and its own mean c0
 * depends on how much of it is pause.
 */
export function features(cep: Float32Array[], c0Offset: number): Float32Array[][] {
  const n = cep.length;
  if (n === 0) return [];
  const dim = (cep[0] as Float32Array).length;
  const mean = new Float64Array(dim);
  let loudest = -Infinity;
  for (const c of cep) {
    for (let d = 0; d < dim; d++) mean[d] = (mean[d] as number) + (c[d] as number) / n;
    if ((c[0] as number) > loudest) loudest = c[0] as number;
  }
  mean[0] = loudest - c0Offset;
  const norm = cep.map((c) => {
    const v = new Float32Array(dim);
    for (let d = 0; d < dim; d++) v[d] = (c[d] as number) - (mean[d] as number);
    return v;
  });
  const at = (t: number): Float32Array => norm[t < 0 ? 0 : t >= n ? n - 1 : t] as Float32Array;
  const out: Float32Array[][] = new Array(n);
  for (let t = 0; t < n; t++) {
    const p3 = at(t - 3);
    const p2 = at(t - 2);
    const p1 = at(t - 1);
    const n1 = at(t + 1);
    const n2 = at(t + 2);
    const n3 = at(t + 3);
    const d = new Float32Array(dim);
    const dd = new Float32Array(dim);
    for (let k = 0; k < dim; k++) {
      d[k] = (n2[k] as number) - (p2[k] as number);
      dd[k] = (n3[k] as number) - (p1[k] as number) - ((n1[k] as number) - (p3[k] as number));
    }
    out[t] = [norm[t] as Float32Array, d, dd];
  }
  return out;
}
