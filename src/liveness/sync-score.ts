import { pearson } from '../core/pearson.js';

/**
 * Lip-sync score: how well the mouth opening follows the loudness of the speech. Both signals
 * are brought to the video frame rate, normalised, and compared by Pearson correlation at every
 * lag in a small range (mouth and sound are not exactly simultaneous: the lips open before the
 * vowel is heard, and recorders add offsets). The score is the best correlation in that range.
 * The best correlation at larger lags is reported too: when sound shifted by half a second
 * fits the mouth better than any allowed lag, the audio is out of sync even if the in-range
 * correlation looks fine. The same comparison on the frame-to-frame changes of both signals
 * (the "onset" correlation: mouth opening and closing against sound starting and stopping)
 * ignores the slow "mouth moves while there is sound" envelope and so pins the timing to
 * single syllables, which the level correlation cannot at this lag range.
 */

export interface SyncInput {
  /** Mouth opening per video frame; null where no mouth was found. */
  mouth: ReadonlyArray<number | null>;
  fps: number;
  /** Speech envelope (linear RMS) and its rate. */
  envelope: ArrayLike<number>;
  envelopeRate: number;
  /** Lags accepted as in sync, in seconds either way. */
  maxLagSec: number;
  /** Lags searched for a better fit outside the accepted range, in seconds either way. */
  searchSec: number;
}

export interface SyncScore {
  /** Best correlation in the lag range, in [-1, 1]; 0 when a signal is flat. */
  score: number;
  /** Lag at the best score in seconds; positive means the sound comes after the mouth. */
  lagSec: number;
  /** Best correlation at lags beyond maxLagSec (up to searchSec), and its lag; -1 when none. */
  outside: number;
  outsideLagSec: number;
  /** Best correlation of the frame-to-frame changes in the lag range, and beyond it. */
  onset: number;
  onsetOutside: number;
  onsetOutsideLagSec: number;
  frames: number;
}

/** Level below which sound counts as silence: differences in room noise must not correlate. */
const FLOOR = 1e-3;

/** Fills gaps by linear interpolation (holding the ends); null when most frames are missing. */
export function fillGaps(series: ReadonlyArray<number | null>): number[] | null {
  const known = series.filter((v): v is number => v !== null).length;
  if (known < Math.max(2, series.length / 2)) return null;
  const out = new Array<number>(series.length);
  let last = -1;
  for (let i = 0; i <= series.length; i++) {
    if (i < series.length && series[i] === null) continue;
    const right = i < series.length ? (series[i] as number) : null;
    for (let j = last + 1; j < i; j++) {
      const left = last >= 0 ? out[last] : null;
      out[j] = left === null ? (right as number) : right === null ? left : left + ((right - left) * (j - last)) / (i - last);
    }
    if (right !== null) out[i] = right;
    last = i;
  }
  return out;
}

/** Mean log-loudness of the envelope over each video frame's interval. */
export function envelopeAtFrames(envelope: ArrayLike<number>, rate: number, fps: number, frames: number): number[] {
  const out = new Array<number>(frames);
  for (let i = 0; i < frames; i++) {
    const from = Math.max(0, Math.floor(((i - 0.5) / fps) * rate));
    const to = Math.min(envelope.length, Math.max(from + 1, Math.floor(((i + 0.5) / fps) * rate)));
    let sum = 0;
    for (let k = from; k < to; k++) sum += Math.log10(Math.max(FLOOR, envelope[k]));
    out[i] = to > from ? sum / (to - from) : Math.log10(FLOOR);
  }
  return out;
}

/** Central difference: the change at each frame. */
const changes = (x: number[]): number[] => x.map((_, i) => (x[Math.min(x.length - 1, i + 1)] - x[Math.max(0, i - 1)]) / 2);

export function syncScore(input: SyncInput): SyncScore | null {
  const mouth = fillGaps(input.mouth);
  if (!mouth) return null;
  const sound = envelopeAtFrames(input.envelope, input.envelopeRate, input.fps, mouth.length);
  const maxLag = Math.round(input.maxLagSec * input.fps);
  const search = Math.max(maxLag, Math.round(input.searchSec * input.fps));
  const dMouth = changes(mouth);
  const dSound = changes(sound);
  let best = { score: -1, lagSec: 0 };
  let outside = { outside: -1, outsideLagSec: 0 };
  let onset = -1;
  let onsetOut = { onsetOutside: -1, onsetOutsideLagSec: 0 };
  for (let lag = -search; lag <= search; lag++) {
    const r = pearson(mouth, sound, lag);
    const d = pearson(dMouth, dSound, lag);
    if (Math.abs(lag) <= maxLag) {
      if (r > best.score) best = { score: r, lagSec: lag / input.fps };
      onset = Math.max(onset, d);
    } else {
      if (r > outside.outside) outside = { outside: r, outsideLagSec: lag / input.fps };
      if (d > onsetOut.onsetOutside) onsetOut = { onsetOutside: d, onsetOutsideLagSec: lag / input.fps };
    }
  }
  return { ...best, ...outside, onset, ...onsetOut, frames: mouth.length };
}
