import { SAMPLE_RATE } from '../../speech/tokens.js';
import { seededRandom } from '../../core/seeded-random.js';
import { filterPcm } from './ffmpeg-pcm.js';
import type { Lang, VoiceClips } from './voices.js';

/**
 * Four-digit readings spliced from one voice's single-digit takes, the way a person reads a
 * challenge: slowly with pauses, normally, or fast and run together (0.25-0.35 s per digit,
 * syllables overlapping with a crossfade and compressed in time with pitch kept, as people read
 * four digits in about 1.2 s). Every reading is also passed through a telephone channel (8 kHz,
 * 300-3400 Hz), the other channel real uploads come through.
 */

export type Pace = 'slow' | 'normal' | 'fast';
export type Channel = 'clean' | 'phone';

export interface DigitCase {
  voice: string;
  lang: Lang;
  /** Expected digits; empty for non-digit speech. */
  digits: string;
  pace: Pace;
  channel: Channel;
  /** Seconds of speech per syllable (the reading's span without its lead and tail silence). */
  secPerSyllable: number;
  pcm: Float32Array;
}

export const PACES: readonly Pace[] = ['slow', 'normal', 'fast'];
const EDGE_SEC = 0.3;
const FAST_SEC: [number, number] = [0.25, 0.35];
const PAUSE_SEC: Record<Exclude<Pace, 'fast'>, [number, number]> = { slow: [0.3, 0.7], normal: [0.05, 0.3] };
/** Gap between readings when a voice's readings go through one ffmpeg run together. */
const BATCH_GAP = SAMPLE_RATE / 2;

const uniform = (rand: () => number, [lo, hi]: [number, number]): number => lo + rand() * (hi - lo);

function silence(sec: number): Float32Array {
  return new Float32Array(Math.round(sec * SAMPLE_RATE));
}

export function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Joins syllables, each overlapping the previous by up to 40 ms (a third of either at most) with a raised-cosine crossfade. */
function runTogether(parts: Float32Array[], rand: () => number): Float32Array {
  let out = parts[0] ?? new Float32Array(0);
  for (const p of parts.slice(1)) {
    const k = Math.floor(Math.min(rand() * 0.04 * SAMPLE_RATE, out.length / 3, p.length / 3));
    const joined = new Float32Array(out.length + p.length - k);
    joined.set(out.subarray(0, out.length - k));
    for (let i = 0; i < k; i++) {
      const w = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / k);
      joined[out.length - k + i] = (out[out.length - k + i] ?? 0) * (1 - w) + (p[i] ?? 0) * w;
    }
    joined.set(p.subarray(k), out.length);
    out = joined;
  }
  return out;
}

/** ffmpeg atempo (pitch kept), chained in steps of at most 2x, which every ffmpeg build accepts. */
export async function faster(pcm: Float32Array, factor: number): Promise<Float32Array> {
  if (factor <= 1.01) return pcm;
  const steps: string[] = [];
  let left = factor;
  while (left > 2) {
    steps.push('atempo=2');
    left /= 2;
  }
  steps.push(`atempo=${left.toFixed(4)}`);
  return filterPcm(pcm, SAMPLE_RATE, steps, SAMPLE_RATE);
}

/** One reading of `syllables` at `pace`, with 0.3 s of silence before and after. */
async function read(syllables: Float32Array[], pace: Pace, rand: () => number): Promise<{ pcm: Float32Array; secPerSyllable: number }> {
  let speech: Float32Array;
  if (pace === 'fast') {
    speech = runTogether(syllables, rand);
    const target = uniform(rand, FAST_SEC) * syllables.length * SAMPLE_RATE;
    speech = await faster(speech, speech.length / target);
  } else {
    const parts: Float32Array[] = [];
    syllables.forEach((s, i) => {
      parts.push(s);
      if (i < syllables.length - 1) parts.push(silence(uniform(rand, PAUSE_SEC[pace])));
    });
    speech = concat(parts);
  }
  return { pcm: concat([silence(EDGE_SEC), speech, silence(EDGE_SEC)]), secPerSyllable: speech.length / SAMPLE_RATE / syllables.length };
}

/**
 * The same readings through a telephone channel: one ffmpeg run over all of them joined with
 * gaps (resampling keeps time alignment), cut back by position.
 */
async function phoneChannel(readings: Float32Array[]): Promise<Float32Array[]> {
  const parts: Float32Array[] = [];
  const at: number[] = [];
  let pos = 0;
  for (const r of readings) {
    parts.push(new Float32Array(BATCH_GAP), r);
    pos += BATCH_GAP;
    at.push(pos);
    pos += r.length;
  }
  parts.push(new Float32Array(BATCH_GAP));
  const out = await filterPcm(concat(parts), SAMPLE_RATE, ['highpass=f=300', 'lowpass=f=3400', 'aresample=8000'], SAMPLE_RATE);
  return readings.map((r, i) => out.slice(at[i] ?? 0, (at[i] ?? 0) + r.length));
}

/** `perPace` random four-digit readings of each pace by one voice, clean and through the phone channel. */
export async function genuineCases(clips: VoiceClips, perPace: number, seed: number): Promise<DigitCase[]> {
  return fourDigitReadings(clips, perPace, seed, false);
}

/**
 * Readings of four random digits with one of them left out, each claimed as the whole string:
 * a recording that lacks a digit of the challenge, as a replay of an earlier reading that shares
 * three of its digits, or a digit swallowed on purpose, would. The three digits left are read
 * at the reading's pace as any reading is.
 */
export async function missingDigitCases(clips: VoiceClips, perPace: number, seed: number): Promise<DigitCase[]> {
  return fourDigitReadings(clips, perPace, seed, true);
}

async function fourDigitReadings(clips: VoiceClips, perPace: number, seed: number, leaveOneOut: boolean): Promise<DigitCase[]> {
  const rand = seededRandom(seed);
  const have = [...clips.digits.keys()].sort((a, b) => a - b);
  if (have.length === 0) return [];
  const clean: DigitCase[] = [];
  for (const pace of PACES) {
    for (let i = 0; i < perPace; i++) {
      const digits = Array.from({ length: 4 }, () => have[Math.floor(rand() * have.length)] as number);
      const takes = digits.map((d) => {
        const t = clips.digits.get(d) ?? [];
        return t[Math.floor(rand() * t.length)] as Float32Array;
      });
      if (leaveOneOut) takes.splice(Math.floor(rand() * takes.length), 1);
      const r = await read(takes, pace, rand);
      clean.push({ voice: clips.voice.id, lang: clips.voice.lang, digits: digits.join(''), pace, channel: 'clean', ...r });
    }
  }
  const phone = await phoneChannel(clean.map((c) => c.pcm));
  return [...clean, ...clean.map((c, i) => ({ ...c, channel: 'phone' as const, pcm: phone[i] as Float32Array }))];
}

/** Readings of 2-6 of the voice's non-digit syllables at every pace: speech that must never verify as digits. */
export async function nonDigitCases(clips: VoiceClips, count: number, seed: number): Promise<DigitCase[]> {
  if (clips.nondigit.length === 0) return [];
  const rand = seededRandom(seed);
  const out: DigitCase[] = [];
  for (let i = 0; i < count; i++) {
    const n = 2 + Math.floor(rand() * 5);
    const syl = Array.from({ length: n }, () => clips.nondigit[Math.floor(rand() * clips.nondigit.length)] as Float32Array);
    const pace = PACES[i % PACES.length] as Pace;
    const r = await read(syl, pace, rand);
    out.push({ voice: clips.voice.id, lang: clips.voice.lang, digits: '', pace, channel: 'clean', ...r });
  }
  return out;
}
