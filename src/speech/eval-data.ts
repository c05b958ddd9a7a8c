import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { decodeAudio, ffmpegPath } from '../media/index.js';
import { SAMPLE_RATE } from './tokens.js';
import { seededRandom as rng } from '../core/seeded-random.js';

/**
 * Evaluation cases built from voices the model never saw in training: the held-out FSDD
 * speaker (training/speech/prepare.py HELD_OUT_FSDD), the held-out gcin-voice voice (3.ogg),
 * the one digit in each GRID sentence, and non-digit speech that must never verify.
 */

export interface EvalCase {
  id: string;
  pcm: Float32Array;
  /** Expected digits; empty for speech that must not verify as any digit string. */
  digits: string;
}

export const HELD_OUT_FSDD_SPEAKER = 'theo';
export const GCIN_DIR = '/usr/share/gcin-voice/ogg';
export const HELD_OUT_GCIN_VOICE = '3.ogg';
/** gcin-voice folders of the Mandarin digits; 幺 (ㄧㄠ) is the spoken 1 of digit strings. */
const GCIN_DIGITS: [string, number][] = [
  ['ㄌㄧㄥ2', 0], ['ㄧ', 1], ['ㄧㄠ', 1], ['ㄦ4', 2], ['ㄙㄢ', 3], ['ㄙ4', 4],
  ['ㄨ3', 5], ['ㄌㄧㄡ4', 6], ['ㄑㄧ', 7], ['ㄅㄚ', 8], ['ㄐㄧㄡ3', 9],
];

const DECODE = { maxDurationSec: 60, timeoutMs: 60_000 };

function join4(parts: Float32Array[], rand: () => number, pause: [number, number]): Float32Array {
  const gap = (): number => Math.round((pause[0] + rand() * (pause[1] - pause[0])) * SAMPLE_RATE);
  const pieces: (Float32Array | number)[] = [Math.round(0.3 * SAMPLE_RATE)];
  parts.forEach((p, i) => {
    pieces.push(p);
    pieces.push(i < parts.length - 1 ? gap() : Math.round(0.3 * SAMPLE_RATE));
  });
  const total = pieces.reduce<number>((a, p) => a + (typeof p === 'number' ? p : p.length), 0);
  const out = new Float32Array(total);
  let pos = 0;
  for (const p of pieces) {
    if (typeof p === 'number') pos += p;
    else {
      out.set(p, pos);
      pos += p.length;
    }
  }
  return out;
}

/** The 16-bit PCM data chunk of a WAV file and its sample rate. */
function wavData(buf: Buffer): { data: Buffer; rate: number } {
  let off = 12;
  let rate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(off + 8) !== 1 || buf.readUInt16LE(off + 10) !== 1 || buf.readUInt16LE(off + 22) !== 16) throw new Error('expected 16-bit mono PCM WAV');
      rate = buf.readUInt32LE(off + 12);
    }
    if (id === 'data') return { data: buf.subarray(off + 8, off + 8 + size), rate };
    off += 8 + size + (size % 2);
  }
  throw new Error('not a PCM WAV file');
}

/**
 * The held-out speaker's clips, resampled by one ffmpeg run over all their PCM joined (and
 * cut back by sample counts): 500 separate ffmpeg starts took minutes on the shared machine.
 */
async function fsddClips(dir: string): Promise<Map<number, Float32Array[]>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wav') && n.split('_')[1] === HELD_OUT_FSDD_SPEAKER).sort();
  const wavs = await Promise.all(names.map(async (n) => ({ n, ...wavData(await readFile(join(dir, n))) })));
  const rate = wavs[0]?.rate ?? 8000;
  if (wavs.some((w) => w.rate !== rate)) throw new Error('FSDD files have mixed sample rates');
  const pcm = await resampleS16(Buffer.concat(wavs.map((w) => w.data)), rate);
  const byDigit = new Map<number, Float32Array[]>();
  let pos = 0;
  for (const w of wavs) {
    const len = Math.round(((w.data.length / 2) * SAMPLE_RATE) / rate);
    const digit = Number(w.n.split('_')[0]);
    byDigit.set(digit, [...(byDigit.get(digit) ?? []), pcm.subarray(pos, Math.min(pcm.length, pos + len))]);
    pos += len;
  }
  return byDigit;
}

function resampleS16(raw: Buffer, rate: number): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0', '-f', 'f32le', '-ar', String(SAMPLE_RATE), 'pipe:1'];
    const child = execFile(ffmpegPath(), args, { encoding: 'buffer', maxBuffer: 1 << 30, timeout: 120_000 }, (err, stdout) => {
      if (err) return reject(new Error(`ffmpeg resampling failed: ${err.message.split('\n')[0]}`));
      const out = new Float32Array(Math.floor(stdout.length / 4));
      new Uint8Array(out.buffer).set(stdout.subarray(0, out.length * 4));
      resolve(out);
    });
    child.stdin?.end(raw);
  });
}

export async function fsddCases(data: string, count: number): Promise<EvalCase[]> {
  const dir = join(data, 'speech', 'fsdd');
  if (!existsSync(dir)) return [];
  const clips = await fsddClips(dir);
  return stringCases(clips, count, rng(4), `fsdd-${HELD_OUT_FSDD_SPEAKER}`, [0.1, 0.5]);
}

export async function gcinCases(count: number): Promise<EvalCase[]> {
  if (!existsSync(join(GCIN_DIR, 'ㄅㄚ', HELD_OUT_GCIN_VOICE))) return [];
  const clips = new Map<number, Float32Array[]>();
  for (const [syl, d] of GCIN_DIGITS) {
    const pcm = await decodeAudio(join(GCIN_DIR, syl, HELD_OUT_GCIN_VOICE), DECODE);
    clips.set(d, [...(clips.get(d) ?? []), pcm]);
  }
  return stringCases(clips, count, rng(5), 'gcin-voice3', [0.08, 0.4]);
}

/** Random 4-digit strings read by one voice: a random take of each digit with natural pauses. */
function stringCases(clips: Map<number, Float32Array[]>, count: number, rand: () => number, idPrefix: string, pause: [number, number]): EvalCase[] {
  const cases: EvalCase[] = [];
  for (let i = 0; i < count; i++) {
    const digits = Array.from({ length: 4 }, () => Math.floor(rand() * 10));
    const parts = digits.map((d) => {
      const takes = clips.get(d) ?? [];
      return takes[Math.floor(rand() * takes.length)] ?? new Float32Array(0);
    });
    cases.push({ id: `${idPrefix}-${i}`, digits: digits.join(''), pcm: join4(parts, rand, pause) });
  }
  return cases;
}

export async function gridCases(data: string): Promise<EvalCase[]> {
  const dir = join(data, 'video', 'grid');
  const csv = join(dir, 'transcripts.csv');
  if (!existsSync(csv)) return [];
  const rows = (await readFile(csv, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
  const cases: EvalCase[] = [];
  for (const [file, , digit] of rows) {
    if (!file || !digit) continue;
    cases.push({ id: `grid-${file}`, digits: digit.trim(), pcm: await decodeAudio(join(dir, file), DECODE) });
  }
  return cases;
}

/** Non-digit sentences (AISHELL-1 Mandarin, LibriSpeech English) plus silence and noise. */
export async function negativeCases(data: string): Promise<EvalCase[]> {
  const cases: EvalCase[] = [];
  for (const sub of ['mandarin', 'english']) {
    const dir = join(data, 'speech', sub);
    if (!existsSync(dir)) continue;
    for (const n of (await readdir(dir)).filter((f) => f.endsWith('.wav'))) {
      cases.push({ id: `${sub}-${n}`, digits: '', pcm: await decodeAudio(join(dir, n), DECODE) });
    }
  }
  const rand = rng(6);
  cases.push({ id: 'silence-3s', digits: '', pcm: new Float32Array(3 * SAMPLE_RATE) });
  cases.push({ id: 'white-noise-3s', digits: '', pcm: Float32Array.from({ length: 3 * SAMPLE_RATE }, () => (rand() - 0.5) * 0.2) });
  return cases;
}
