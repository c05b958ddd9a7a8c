import type { Posteriors } from './model.js';
import { BLANK, FILLER, NUM_CLASSES, digitToken, tokenDigit, type Language } from './tokens.js';

/**
 * CTC best-path (Viterbi) scoring over the model's posteriors. Between and around the
 * labels a "gap" frame may be blank or filler, so words before, between or after the digits
 * cost nothing; every label of a hypothesis must be emitted in order (with a blank between
 * two equal labels, as CTC requires).
 */

const NEG = -1e30;

/** Log-probability of a gap frame: blank or filler, whichever the model prefers. */
export function gapScore(p: Posteriors, t: number): number {
  const row = t * NUM_CLASSES;
  return Math.max(p.logp[row + BLANK] ?? NEG, p.logp[row + FILLER] ?? NEG);
}

export function at(p: Posteriors, t: number, c: number): number {
  return p.logp[t * NUM_CLASSES + c] ?? NEG;
}

/** Best-path log-score of exactly this label sequence (possibly empty). */
export function forcedScore(p: Posteriors, labels: readonly number[]): number {
  const n = labels.length;
  const states = 2 * n + 1;
  if (p.frames === 0) return NEG;
  let prev = new Float64Array(states).fill(NEG);
  let cur = new Float64Array(states);
  prev[0] = gapScore(p, 0);
  if (n > 0) prev[1] = at(p, 0, labels[0] ?? BLANK);
  for (let t = 1; t < p.frames; t++) {
    const gap = gapScore(p, t);
    for (let s = 0; s < states; s++) {
      let best = prev[s] ?? NEG;
      if (s > 0) best = Math.max(best, prev[s - 1] ?? NEG);
      if (s % 2 === 1 && s > 1 && labels[(s - 1) / 2] !== labels[(s - 3) / 2]) best = Math.max(best, prev[s - 2] ?? NEG);
      cur[s] = best + (s % 2 === 0 ? gap : at(p, t, labels[(s - 1) / 2] ?? BLANK));
    }
    [prev, cur] = [cur, prev];
  }
  return Math.max(prev[states - 1] ?? NEG, n > 0 ? (prev[states - 2] ?? NEG) : NEG);
}

/** The best string of exactly `length` digits in one language, with its best-path score. */
export function bestDigitString(p: Posteriors, lang: Language, length: number): { digits: string; score: number } {
  // State layout per frame: gap k at index k (0..length), digit d of slot k (1..length) at
  // length + 1 + (k - 1) * 10 + d.
  const gaps = length + 1;
  const size = gaps + 10 * length;
  const slot = (k: number, d: number): number => gaps + (k - 1) * 10 + d;
  const back: Int32Array[] = [];
  let prev = new Float64Array(size).fill(NEG);
  let cur = new Float64Array(size);
  const emit = (t: number, s: number): number => (s < gaps ? gapScore(p, t) : at(p, t, digitToken(lang, (s - gaps) % 10)));
  prev[0] = emit(0, 0);
  if (length > 0) for (let d = 0; d < 10; d++) prev[slot(1, d)] = emit(0, slot(1, d));
  for (let t = 1; t < p.frames; t++) {
    const bp = new Int32Array(size);
    for (let s = 0; s < size; s++) {
      let best = prev[s] ?? NEG;
      let from = s;
      // Predecessors in a fixed order; a later one wins only when strictly better.
      if (s < gaps) {
        if (s > 0) {
          for (let d = 0; d < 10; d++) {
            const q = slot(s, d);
            const v = prev[q] ?? NEG;
            if (v > best) {
              best = v;
              from = q;
            }
          }
        }
      } else {
        const k = Math.floor((s - gaps) / 10) + 1;
        const d = (s - gaps) % 10;
        const v = prev[k - 1] ?? NEG;
        if (v > best) {
          best = v;
          from = k - 1;
        }
        if (k > 1) {
          for (let e = 0; e < 10; e++) {
            if (e === d) continue;
            const q = slot(k - 1, e);
            const w = prev[q] ?? NEG;
            if (w > best) {
              best = w;
              from = q;
            }
          }
        }
      }
      cur[s] = best + emit(t, s);
      bp[s] = from;
    }
    back.push(bp);
    [prev, cur] = [cur, prev];
  }
  let end = length;
  let score = prev[length] ?? NEG;
  if (length > 0) {
    for (let d = 0; d < 10; d++) {
      const v = prev[slot(length, d)] ?? NEG;
      if (v > score) {
        score = v;
        end = slot(length, d);
      }
    }
  }
  const digits: number[] = [];
  let s = end;
  for (let t = p.frames - 1; t >= 0; t--) {
    if (s >= gaps) {
      const k = Math.floor((s - gaps) / 10) + 1;
      if (digits.length < length - k + 1) digits.push((s - gaps) % 10);
    }
    if (t > 0) s = back[t - 1]?.[s] ?? s;
  }
  return { digits: digits.reverse().join(''), score };
}

/** Greedy CTC reading: the digits heard (filler dropped) and the language most of them were in. */
export function greedyDigits(p: Posteriors): { digits: string; language: Language | 'unknown'; confidence: number } {
  let prevToken = BLANK;
  const heard: { digit: number; lang: Language; prob: number }[] = [];
  for (let t = 0; t < p.frames; t++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (at(p, t, c) > at(p, t, best)) best = c;
    const d = tokenDigit(best);
    if (best !== prevToken && d) heard.push({ ...d, prob: Math.exp(at(p, t, best)) });
    prevToken = best;
  }
  if (heard.length === 0) return { digits: '', language: 'unknown', confidence: 0 };
  const zh = heard.filter((h) => h.lang === 'zh').length;
  const language: Language = zh * 2 >= heard.length ? 'zh' : 'en';
  return {
    digits: heard.map((h) => String(h.digit)).join(''),
    language,
    confidence: heard.reduce((a, h) => a + h.prob, 0) / heard.length,
  };
}

/**
 * Posteriors where each digit's Mandarin and English classes both carry their summed
 * probability: a reader's digit counts whichever language the model files it under (a voice
 * unlike the training voices is often split between the two), and the language is reported
 * separately by `languageOf`.
 */
export function mergeLanguages(p: Posteriors): Posteriors {
  const logp = Float32Array.from(p.logp);
  for (let t = 0; t < p.frames; t++) {
    for (let d = 0; d < 10; d++) {
      const a = at(p, t, digitToken('zh', d));
      const b = at(p, t, digitToken('en', d));
      const m = Math.max(a, b);
      const sum = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
      logp[t * NUM_CLASSES + digitToken('zh', d)] = sum;
      logp[t * NUM_CLASSES + digitToken('en', d)] = sum;
    }
  }
  return { frames: p.frames, logp };
}

/** The language holding most of the digit probability mass, or unknown when there is little. */
export function languageOf(p: Posteriors): Language | 'unknown' {
  let zh = 0;
  let en = 0;
  for (let t = 0; t < p.frames; t++) {
    for (let d = 0; d < 10; d++) {
      zh += Math.exp(at(p, t, digitToken('zh', d)));
      en += Math.exp(at(p, t, digitToken('en', d)));
    }
  }
  if (zh + en < 0.5) return 'unknown';
  return zh >= en ? 'zh' : 'en';
}
