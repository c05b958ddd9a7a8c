/**
 * Loudness, noise and voice activity of 16 kHz mono speech, from short-time energy.
 * Energy is taken after a 100 Hz high-pass so that DC offset and mains hum do not count as
 * sound. Levels are dBFS (0 = full-scale square wave).
 */
import { bandEnvelope } from './band-envelope.js';

export interface SpeechSegment {
  start: number;
  end: number;
}

export interface AudioAnalysis {
  durationSec: number;
  peakDb: number;
  /** Loudness of the speech: mean level of the frames voice activity marked as speech. */
  speechLevelDb: number;
  /** Background level: mean of the quietest 10% of frames. */
  noiseFloorDb: number;
  snrDb: number;
  speechSec: number;
  segments: SpeechSegment[];
  /** Speech envelope: frame RMS (linear), one value per hop. */
  envelope: Float32Array;
  /** The same for the voice band only (300-3000 Hz), the sound side of lip-sync. */
  bandEnvelope: Float32Array;
  envelopeRate: number;
}

const HOP_SEC = 0.01;
const WIN_SEC = 0.025;
const SILENCE_DB = -120;
/** Speech frames are those within this many dB of the loud end, and clearly above the floor. */
const VAD_BELOW_SPEECH_DB = 25;
const VAD_ABOVE_FLOOR_DB = 6;
const MIN_SEGMENT_SEC = 0.1;
/** The most of a recording the loud end is measured on: a four-digit reading has at least this much speech. */
const LOUD_SEC = 1;
const MERGE_GAP_SEC = 0.2;

const toDb = (rms: number): number => (rms > 1e-6 ? 20 * Math.log10(rms) : SILENCE_DB);

function highPass(pcm: Float32Array, rate: number): Float32Array {
  const rc = 1 / (2 * Math.PI * 100);
  const alpha = rc / (rc + 1 / rate);
  const out = new Float32Array(pcm.length);
  let prevIn = 0;
  let prevOut = 0;
  for (let i = 0; i < pcm.length; i++) {
    prevOut = alpha * (prevOut + pcm[i] - prevIn);
    prevIn = pcm[i];
    out[i] = prevOut;
  }
  return out;
}

function peakOf(x: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  return peak;
}

/**
 * The loudest sample in dBFS as the audio check measures it (after the 100 Hz high-pass): what
 * audio.silentPeakDb is compared with, for callers that need only that.
 */
export function peakDb(pcm: Float32Array, rate: number): number {
  return toDb(peakOf(highPass(pcm, rate)));
}

function percentileMean(sorted: number[], from: number, to: number): number {
  const a = Math.floor(sorted.length * from);
  const b = Math.max(a + 1, Math.ceil(sorted.length * to));
  const part = sorted.slice(a, b);
  return part.reduce((s, v) => s + v, 0) / part.length;
}

interface Levels {
  envelope: Float32Array;
  db: number[];
  peak: number;
  /** Mean level of the quietest tenth of the frames (of the sounding ones, with `floorOfSound`). */
  noiseFloorDb: number;
  /** Mean level of the loudest tenth of the frames, at most LOUD_SEC of them. */
  loudDb: number;
  segments: SpeechSegment[];
}

/** How voice activity sets its gate (speechSegmentsOf). */
export interface ActivityGate {
  /** Frames down to this far below the loud end count as speech. */
  belowLoudDb: number;
  /** Measure the floor on the frames that hold any sound, so that stretches of digital silence do not pull it down. */
  floorOfSound: boolean;
}

/**
 * RMS level of each frame, and in dB. Its own function so that V8 compiles this loop by itself:
 * compiled inside levels() mid-loop, it was thrown away at the colder code after it in 40 of 100
 * calls (19 of 100 now, docs/decisions.md).
 */
function frameLevels(x: Float32Array, hop: number, win: number, frames: number): { envelope: Float32Array; db: number[] } {
  const envelope = new Float32Array(frames);
  const db: number[] = new Array<number>(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * hop, end = f * hop + win; i < end; i++) sum += x[i] * x[i];
    // sqrt(2) so that a full-scale sine reads 0 dBFS like meters do.
    envelope[f] = Math.sqrt((2 * sum) / win);
    db[f] = toDb(envelope[f]);
  }
  return { envelope, db };
}

function levels(pcm: Float32Array, rate: number, g: ActivityGate = { belowLoudDb: VAD_BELOW_SPEECH_DB, floorOfSound: false }): Levels {
  const x = highPass(pcm, rate);
  const hop = Math.round(rate * HOP_SEC);
  const win = Math.round(rate * WIN_SEC);
  const frames = Math.max(0, Math.floor((x.length - win) / hop) + 1);
  const { envelope, db } = frameLevels(x, hop, win, frames);
  const peak = peakOf(x);
  if (frames === 0) return { envelope, db, peak, noiseFloorDb: SILENCE_DB, loudDb: SILENCE_DB, segments: [] };
  const sorted = [...db].sort((a, b) => a - b);
  const sounding = g.floorOfSound ? sorted.filter((v) => v > SILENCE_DB) : sorted;
  const noiseFloorDb = sounding.length > 0 ? percentileMean(sounding, 0, 0.1) : SILENCE_DB;
  // The loud end is the loudest tenth of the frames, but never more than LOUD_SEC of them: a long
  // recording that is mostly quiet background would otherwise pull it down towards the background,
  // and the gate below it would take the background for speech.
  const loudDb = percentileMean(sorted, Math.max(0.9, 1 - LOUD_SEC / HOP_SEC / frames), 1);
  const gate = Math.max(loudDb - g.belowLoudDb, noiseFloorDb + VAD_ABOVE_FLOOR_DB);
  return { envelope, db, peak, noiseFloorDb, loudDb, segments: speechSegments(db, gate) };
}

/**
 * Where the speech is, by analyzeAudio's voice activity without the rest of the analysis, with
 * its gate set by `g`: how far below the loud end speech may be (analyzeAudio: 25 dB), and
 * whether the floor is measured on sounding frames only (analyzeAudio: on all frames).
 */
export function speechSegmentsOf(pcm: Float32Array, rate: number, g: ActivityGate): SpeechSegment[] {
  return levels(pcm, rate, g).segments;
}

export function analyzeAudio(pcm: Float32Array, rate: number): AudioAnalysis {
  const { envelope, db, peak, noiseFloorDb, loudDb: loud, segments } = levels(pcm, rate);
  const frames = db.length;
  const durationSec = pcm.length / rate;
  if (frames === 0) {
    return { durationSec, peakDb: toDb(peak), speechLevelDb: SILENCE_DB, noiseFloorDb: SILENCE_DB, snrDb: 0, speechSec: 0, segments: [], envelope, bandEnvelope: new Float32Array(0), envelopeRate: 1 / HOP_SEC };
  }
  let sum = 0;
  let n = 0;
  for (const s of segments) {
    for (let f = Math.round(s.start / HOP_SEC); f < Math.round(s.end / HOP_SEC) && f < frames; f++) {
      sum += db[f];
      n++;
    }
  }
  const speechLevelDb = n > 0 ? sum / n : loud;
  return {
    durationSec,
    peakDb: toDb(peak),
    speechLevelDb,
    noiseFloorDb,
    snrDb: speechLevelDb - noiseFloorDb,
    speechSec: segments.reduce((s, g) => s + g.end - g.start, 0),
    segments,
    envelope,
    bandEnvelope: bandEnvelope(pcm, rate, { lowHz: 300, highHz: 3000, hopSec: HOP_SEC, winSec: WIN_SEC }),
    envelopeRate: 1 / HOP_SEC,
  };
}

function speechSegments(db: number[], gate: number): SpeechSegment[] {
  const raw: SpeechSegment[] = [];
  let start = -1;
  for (let f = 0; f <= db.length; f++) {
    const on = f < db.length && db[f] >= gate;
    if (on && start < 0) start = f;
    if (!on && start >= 0) {
      raw.push({ start: start * HOP_SEC, end: f * HOP_SEC });
      start = -1;
    }
  }
  const merged: SpeechSegment[] = [];
  for (const s of raw) {
    const last = merged.at(-1);
    if (last && s.start - last.end < MERGE_GAP_SEC) last.end = s.end;
    else merged.push({ ...s });
  }
  return merged.filter((s) => s.end - s.start >= MIN_SEGMENT_SEC);
}
