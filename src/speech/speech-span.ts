import { speechSegmentsOf } from '../audio/index.js';

/**
 * The part of a recording the digit check reads: its speech, with at most EDGE_SEC of silence
 * kept before and after it and every pause longer than MAX_PAUSE_SEC shortened to that (its
 * middle cut out). Silence around a reading carries no evidence, and left in, it drags both
 * readings' normalisation over the recording (the digit model's per-utterance mean and
 * variance, the second reading's cepstral mean): with 25 s of quiet after readings of five
 * voices, 12 of 240 one-digit-off claims passed instead of 1, and honest readings lost one in
 * eight (training/speech/padding.ts, docs/decisions.md).
 */

/** Silence kept before the first and after the last speech: room for quiet onsets and endings the level gate misses. */
export const EDGE_SEC = 0.5;
/** Longest pause kept between stretches of speech: a slow, careful reading pauses 0.3-0.7 s between digits. */
export const MAX_PAUSE_SEC = 1;
/**
 * Only sound this far below the loudest speech counts as silence here (the level check's voice
 * activity takes 25 dB): cutting a quiet digit would cost an honest reading, while leaving some
 * background in costs only what it cost before the cut.
 */
export const SILENCE_BELOW_LOUD_DB = 40;
// The floor (speech must be 6 dB above it) is the background's level, measured where there is
// any sound: stretches of digital silence, spliced in or added to hide background, would pull it
// down and make the background itself count as speech.

export interface SpeechSpan {
  samples: Float32Array;
  /** Kept pieces of the recording, in order: samples [from, to) of the original, at `at` in `samples`. */
  pieces: { from: number; to: number; at: number }[];
}

/** The recording cut to its speech (unchanged when no speech is found or nothing would be cut). */
export function speechSpan(pcm: Float32Array, rate: number): SpeechSpan {
  const whole: SpeechSpan = { samples: pcm, pieces: [{ from: 0, to: pcm.length, at: 0 }] };
  const segments = speechSegmentsOf(pcm, rate, { belowLoudDb: SILENCE_BELOW_LOUD_DB, floorOfSound: true });
  const first = segments[0];
  const last = segments.at(-1);
  if (!first || !last) return whole;
  const edge = Math.round(EDGE_SEC * rate);
  const half = Math.round((MAX_PAUSE_SEC / 2) * rate);
  const kept: [number, number][] = [[Math.max(0, Math.round(first.start * rate) - edge), Math.min(pcm.length, Math.round(last.end * rate) + edge)]];
  for (let i = 1; i < segments.length; i++) {
    const end = Math.round((segments[i - 1] as { end: number }).end * rate);
    const start = Math.round((segments[i] as { start: number }).start * rate);
    if (start - end <= 2 * half) continue;
    const open = kept.at(-1) as [number, number];
    kept.push([start - half, open[1]]);
    open[1] = end + half;
  }
  const total = kept.reduce((s, [a, b]) => s + b - a, 0);
  if (total === pcm.length) return whole;
  const samples = new Float32Array(total);
  const pieces: SpeechSpan['pieces'] = [];
  let at = 0;
  for (const [from, to] of kept) {
    samples.set(pcm.subarray(from, to), at);
    pieces.push({ from, to, at });
    at += to - from;
  }
  return { samples, pieces };
}

/** Where a time in the cut samples (seconds) falls in the original recording. */
export function originalSec(span: SpeechSpan, sec: number, rate: number): number {
  const i = Math.round(sec * rate);
  let piece = span.pieces[0];
  for (const p of span.pieces) {
    if (p.at > i) break;
    piece = p;
  }
  if (!piece) return sec;
  return Math.min(piece.from + (i - piece.at), piece.to) / rate;
}
