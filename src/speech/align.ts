import { at, gapScore, mergeLanguages } from './ctc.js';
import type { Posteriors } from './model.js';
import { digitToken } from './tokens.js';

/** Where the model heard one digit of the expected string. */
export interface DigitSegment {
  digit: string;
  /** Start of the first and end of the last output frame aligned to the digit, in seconds. */
  startSec: number;
  endSec: number;
  /** Highest posterior of the digit (its two languages summed) over those frames, 0-1. */
  score: number;
}

const NEG = -1e30;
/** Backpointer per state: stayed, came from the previous state, or skipped a gap. */
const STAY = 0;
const STEP = 1;
const SKIP = 2;

/**
 * CTC forced alignment (Viterbi with backtrace) of the expected digits over the posteriors
 * the verdict was computed from. Gap frames may be blank or filler, exactly as the scorer
 * allows, so words around and between the digits do not pull the alignment. A CTC model
 * marks a digit with a short spike (often one frame) rather than its whole syllable, so a
 * segment says where the digit is, not how long it lasts. `frameSec` is the input length
 * over the number of output frames, so a model with another frame rate needs no change here.
 * Empty when the string cannot fit in the frames.
 */
export function alignDigits(raw: Posteriors, expected: string, frameSec: number): DigitSegment[] {
  const digits = [...expected].map(Number);
  const labels = digits.map((d) => digitToken('zh', d));
  const n = labels.length;
  const states = 2 * n + 1;
  if (n === 0 || raw.frames === 0) return [];
  const p = mergeLanguages(raw);
  const emit = (t: number, s: number): number => (s % 2 === 0 ? gapScore(p, t) : at(p, t, labels[(s - 1) / 2]));
  const back = new Uint8Array(p.frames * states);
  let prev = new Float64Array(states).fill(NEG);
  let cur = new Float64Array(states);
  prev[0] = emit(0, 0);
  prev[1] = emit(0, 1);
  for (let t = 1; t < p.frames; t++) {
    for (let s = 0; s < states; s++) {
      let best = prev[s];
      let from = STAY;
      if (s > 0 && prev[s - 1] > best) {
        best = prev[s - 1];
        from = STEP;
      }
      // A label may follow the previous label directly unless the two are equal (CTC).
      if (s % 2 === 1 && s > 1 && labels[(s - 1) / 2] !== labels[(s - 3) / 2] && prev[s - 2] > best) {
        best = prev[s - 2];
        from = SKIP;
      }
      cur[s] = best + emit(t, s);
      back[t * states + s] = from;
    }
    [prev, cur] = [cur, prev];
  }
  let s = prev[states - 1] >= prev[states - 2] ? states - 1 : states - 2;
  if (prev[s] <= NEG / 2) return [];
  const first = new Array<number>(n).fill(-1);
  const last = new Array<number>(n).fill(-1);
  const peak = new Array<number>(n).fill(0);
  for (let t = p.frames - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      const k = (s - 1) / 2;
      if (last[k] < 0) last[k] = t;
      first[k] = t;
      peak[k] = Math.max(peak[k], Math.exp(at(p, t, labels[k])));
    }
    const from = back[t * states + s];
    s -= from === SKIP ? 2 : from === STEP ? 1 : 0;
  }
  const ms = (frame: number): number => Math.round(frame * frameSec * 1000) / 1000;
  return digits.map((d, k) => ({ digit: String(d), startSec: ms(first[k]), endSec: ms(last[k] + 1), score: Math.round(peak[k] * 1000) / 1000 }));
}
