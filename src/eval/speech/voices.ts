import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { peakDb } from '../../audio/index.js';
import { resolveThresholds } from '../../config/index.js';
import { decodeAudio } from '../../media/index.js';
import { SAMPLE_RATE } from '../../speech/tokens.js';
import { repoRoot } from '../data-dir.js';
import { filterPcm } from './ffmpeg-pcm.js';

/**
 * The real voices of training/speech/voices.json (written by training/speech/voices.py, which
 * the training reads too): one entry per person, with the folds that hold whole voices out.
 */

export type Lang = 'zh' | 'en';

export interface VoiceEntry {
  id: string;
  lang: Lang;
  sex: string;
  accent: string;
  licence: string;
  /** Digit -> clip paths (several for Mandarin 1: yi1, its sandhi forms and yao1; English 0: "oh"). */
  digits: Record<string, string[]>;
  /** A sample of the voice's non-digit syllables (rivals that must never verify as digits). */
  nondigit: string[];
}

export interface VoiceTable {
  voices: VoiceEntry[];
  /** Voice ids each fold leaves out of training. */
  folds: string[][];
}

export interface VoiceClips {
  voice: VoiceEntry;
  digits: Map<number, Float32Array[]>;
  nondigit: Float32Array[];
  /** Digit takes left out because the service would call them a silent track (silentTake). */
  silentTakes: string[];
  /** Takes whose recording stops while the voice is still sounding (cutTake), by path. */
  cutTakes: string[];
  /** Digits every take of which is cut: each reading holding one is spliced from a syllable that never ends. */
  cutDigits: number[];
}

/**
 * A take whose loudest sample, measured as the audio check measures it (peakDb), is under the
 * silent-track floor (audio.silentPeakDb, -50 dBFS) holds no reading: the service refuses such a recording as
 * silent (-5007), so a string spliced from it is not an honest reading, and the training must
 * not learn a digit from it. Speech Commands has one (two_51055bda_nohash_4.wav, peak -53 dBFS);
 * the quietest real speech here, FSDD theo, peaks at -27.5 dBFS.
 */
export function silentTake(x: Float32Array): boolean {
  return peakDb(x, SAMPLE_RATE) < resolveThresholds().audio.silentPeakDb;
}

/** Level (dB) of each 20 ms frame. */
function frameLevels(x: Float32Array): number[] {
  const frame = SAMPLE_RATE / 50;
  const out: number[] = [];
  for (let at = 0; at + frame <= x.length; at += frame) {
    let s = 0;
    for (let k = at; k < at + frame; k++) s += (x[k] ?? 0) ** 2;
    out.push(10 * Math.log10(s / frame + 1e-12));
  }
  return out;
}

/** dB a cut take's last 20 ms may lie under its loudest 20 ms, and must lie over its quietest tenth. */
export const CUT_TAKE_DB = 20;

/**
 * A take cut off before its syllable ends: from its loudest 20 ms to the end of the file the
 * voice never falls back to within 20 dB of the quiet in the file (its 10th-percentile frame),
 * and the last 20 ms are still within 20 dB of the loudest, where a spoken word decays into the
 * background. A reading spliced from it holds a syllable no one says (gcin-voice's voice 5 has
 * every syllable cut this way, mid-vowel, before the coda and the end of the tone), so the
 * evaluation reports figures without such readings beside the others. A word that ends and is
 * followed by another sound (a breath, a click) is not cut. A file too short (under 0.1 s) or
 * too flat (under 20 dB between loud and quiet) is not called cut.
 */
export function cutTake(x: Float32Array): boolean {
  const levels = frameLevels(x);
  if (levels.length < 5) return false;
  const loudest = Math.max(...levels);
  const quiet = [...levels].sort((a, b) => a - b)[Math.floor(levels.length / 10)] ?? loudest;
  const tail = levels.slice(levels.indexOf(loudest));
  const last = tail[tail.length - 1] ?? quiet;
  return last > loudest - CUT_TAKE_DB && Math.min(...tail) > quiet + CUT_TAKE_DB;
}

export const VOICE_TABLE = join('training', 'speech', 'voices.json');

export async function loadVoiceTable(): Promise<VoiceTable> {
  return JSON.parse(await readFile(join(repoRoot(), VOICE_TABLE), 'utf8')) as VoiceTable;
}

const resolvePath = (p: string, dataDir: string): string => (isAbsolute(p) ? p : join(dataDir, p));

/** False when any of the voice's clips is missing (its package or data folder is absent). */
export function voiceAvailable(v: VoiceEntry, dataDir: string): boolean {
  return Object.values(v.digits).every((ps) => ps.every((p) => existsSync(resolvePath(p, dataDir))));
}

export async function loadVoiceClips(v: VoiceEntry, dataDir: string): Promise<VoiceClips> {
  const digitPaths = Object.entries(v.digits).flatMap(([d, ps]) => ps.map((p) => ({ d: Number(d), p: resolvePath(p, dataDir) })));
  const decoded = await decodeMany([...digitPaths.map((x) => x.p), ...v.nondigit.map((p) => resolvePath(p, dataDir))]);
  const digits = new Map<number, Float32Array[]>();
  const silentTakes: string[] = [];
  const cutTakes: string[] = [];
  const takes = new Map<number, { n: number; cut: number }>();
  digitPaths.forEach(({ d, p }, i) => {
    const raw = decoded[i] ?? new Float32Array(0);
    if (silentTake(raw)) {
      silentTakes.push(p);
      return;
    }
    const count = takes.get(d) ?? { n: 0, cut: 0 };
    count.n++;
    if (cutTake(raw)) {
      count.cut++;
      cutTakes.push(p);
    }
    takes.set(d, count);
    const x = trimSilence(raw);
    if (x.length > 400) digits.set(d, [...(digits.get(d) ?? []), x]);
  });
  const nondigit = decoded.slice(digitPaths.length).map(trimSilence).filter((x) => x.length > 800);
  const cutDigits = [...takes].filter(([, c]) => c.cut === c.n).map(([d]) => d).sort((a, b) => a - b);
  return { voice: v, digits, nondigit, silentTakes, cutTakes, cutDigits };
}

/**
 * 16 kHz PCM of many files. 16-bit PCM WAVs are read here and resampled by one ffmpeg run per
 * sample rate (FSDD alone has 2000 files; an ffmpeg start costs ~0.15 s of CPU); anything else
 * is decoded by ffmpeg one file at a time. Files are joined in the order given and cut back at
 * exact cumulative positions, so every run cuts the same samples: grouping them in the order
 * their reads finished made the evaluation differ slightly from run to run.
 */
async function decodeMany(paths: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = new Array<Float32Array>(paths.length);
  const wavs = await Promise.all(paths.map(async (p) => (extname(p).toLowerCase() === '.wav' ? wavPcm16(await readFile(p)) : null)));
  const byRate = new Map<number, { i: number; data: Buffer }[]>();
  wavs.forEach((wav, i) => {
    if (!wav) return;
    const group = byRate.get(wav.rate) ?? [];
    group.push({ i, data: wav.data });
    byRate.set(wav.rate, group);
  });
  for (const [rate, items] of byRate) {
    const joined = new Float32Array(items.reduce((a, x) => a + (x.data.length >> 1), 0));
    let pos = 0;
    for (const x of items) {
      for (let k = 0; k + 1 < x.data.length; k += 2) joined[pos++] = x.data.readInt16LE(k) / 32768;
    }
    const res = rate === SAMPLE_RATE ? joined : await filterPcm(joined, rate, [], SAMPLE_RATE);
    let inAt = 0;
    for (const x of items) {
      const from = Math.round((inAt * SAMPLE_RATE) / rate);
      inAt += x.data.length >> 1;
      out[x.i] = res.slice(from, Math.min(res.length, Math.round((inAt * SAMPLE_RATE) / rate)));
    }
  }
  for (let i = 0; i < paths.length; i++) {
    if (!wavs[i]) out[i] = await decodeAudio(paths[i] as string, { maxDurationSec: 60, timeoutMs: 60_000 });
  }
  return out;
}

/** The data chunk and rate of a 16-bit mono PCM WAV; null for any other WAV. */
function wavPcm16(buf: Buffer): { data: Buffer; rate: number } | null {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return null;
  let off = 12;
  let rate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(off + 8) !== 1 || buf.readUInt16LE(off + 10) !== 1 || buf.readUInt16LE(off + 22) !== 16) return null;
      rate = buf.readUInt32LE(off + 12);
    }
    if (id === 'data' && rate > 0) return { data: buf.subarray(off + 8, Math.min(buf.length, off + 8 + size)), rate };
    off += 8 + size + (size % 2);
  }
  return null;
}

/**
 * Cuts leading and trailing silence (10 ms frames more than 40 dB under the loudest, with 20 ms
 * kept before and 30 ms after), as training/speech/prepare.py does, so the strings built from the
 * clips control their own pauses.
 */
export function trimSilence(x: Float32Array): Float32Array {
  const frame = 160;
  const n = Math.floor(x.length / frame);
  if (n === 0) return x;
  const e = new Float64Array(n);
  let max = 0;
  for (let f = 0; f < n; f++) {
    let s = 0;
    for (let k = f * frame; k < (f + 1) * frame; k++) s += (x[k] ?? 0) ** 2;
    e[f] = Math.sqrt(s / frame + 1e-12);
    max = Math.max(max, e[f] ?? 0);
  }
  const floor = max * 10 ** (-40 / 20);
  let first = -1;
  let last = -1;
  for (let f = 0; f < n; f++) {
    if ((e[f] ?? 0) > floor) {
      if (first < 0) first = f;
      last = f;
    }
  }
  if (first < 0) return x;
  return x.slice(Math.max(0, (first - 2) * frame), Math.min(x.length, (last + 3) * frame));
}
