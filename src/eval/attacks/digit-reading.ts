import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeAudio } from '../../audio/index.js';
import { decodeAudio, SAMPLE_RATE } from '../../media/index.js';

/**
 * Four challenge digits read by a real voice from the shared data (FSDD, Speech Commands,
 * the Mandarin voices, Debian's gcin-voice), laid out in time so that the reading covers the
 * part of a clip where its face is talking: the dubbed-digits attack's sound track.
 */

export interface DigitVoice {
  name: string;
  language: 'en' | 'zh';
  /** Recordings of each digit by this voice. */
  takes: Map<number, string[]>;
}

const EN_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const PINYIN = ['ling2', 'yi1', 'er4', 'san1', 'si4', 'wu3', 'liu4', 'qi1', 'ba1', 'jiu3'];
const HANZI = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const ZHUYIN = ['ㄌㄧㄥ2', 'ㄧ', 'ㄦ4', 'ㄙㄢ', 'ㄙ4', 'ㄨ3', 'ㄌㄧㄡ4', 'ㄑㄧ', 'ㄅㄚ', 'ㄐㄧㄡ3'];
export const GCIN_DIR = '/usr/share/gcin-voice/ogg';
/** A voice needs this many different digits to read varied challenges. */
const MIN_DIGITS = 4;

function add(voices: Map<string, DigitVoice>, name: string, language: 'en' | 'zh', digit: number, file: string): void {
  if (digit < 0 || !existsSync(file)) return;
  const v = voices.get(name) ?? { name, language, takes: new Map<number, string[]>() };
  v.takes.set(digit, [...(v.takes.get(digit) ?? []), file]);
  voices.set(name, v);
}

async function list(dir: string, pattern: RegExp): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter((f) => pattern.test(f)).sort() : [];
}

/** Every voice with recordings of at least MIN_DIGITS digits, in a stable order. */
export async function findDigitVoices(dataDir: string): Promise<DigitVoice[]> {
  const voices = new Map<string, DigitVoice>();
  const speech = join(dataDir, 'speech');
  for (const f of await list(join(speech, 'fsdd'), /^\d_[a-z]+_\d+\.wav$/)) {
    const [digit, speaker] = f.split('_');
    add(voices, `fsdd-${speaker}`, 'en', Number(digit), join(speech, 'fsdd', f));
  }
  for (const f of await list(join(speech, 'speech_commands_digits'), /^[a-z]+_[0-9a-f]+_nohash_\d+\.wav$/)) {
    const [word, speaker] = f.split('_');
    add(voices, `speech-commands-${speaker}`, 'en', EN_WORDS.indexOf(word), join(speech, 'speech_commands_digits', f));
  }
  const zh = join(speech, 'mandarin_voices');
  for (let d = 0; d < 10; d++) {
    add(voices, 'tuxpaint-zh-tw', 'zh', d, join(zh, 'tuxpaint_zh_tw_male', `${d}_zh_tw.wav`));
    add(voices, 'gcompris-fengjie', 'zh', d, join(zh, 'gcompris_fengjie', `U003${d}.wav`));
    add(voices, 'audiocmn-yue-tan', 'zh', d, join(zh, 'audiocmn_yue_tan', `cmn-${HANZI[d]}.wav`));
    add(voices, 'audiocmn-chen-wang', 'zh', d, join(zh, 'audiocmn_chen_wang_syllabary', `cmn-${PINYIN[d]}.mp3`));
    add(voices, 'ekho-yali', 'zh', d, join(zh, 'ekho_yali_2022', `${PINYIN[d]}.wav`));
    for (const v of ['3', '5']) add(voices, `gcin-voice${v}`, 'zh', d, join(GCIN_DIR, ZHUYIN[d], `${v}.ogg`));
  }
  return [...voices.values()].filter((v) => v.takes.size >= MIN_DIGITS);
}

/** Where the speech of a take is (its silence cut off, 50 ms kept on each side). */
async function spokenPart(file: string): Promise<Float32Array> {
  const pcm = await decodeAudio(file, { maxDurationSec: 10, timeoutMs: 30_000 });
  const segs = analyzeAudio(pcm, SAMPLE_RATE).segments;
  if (segs.length === 0) return pcm;
  const from = Math.max(0, Math.floor((segs[0].start - 0.05) * SAMPLE_RATE));
  const to = Math.min(pcm.length, Math.ceil((segs[segs.length - 1].end + 0.05) * SAMPLE_RATE));
  return pcm.slice(from, to);
}

export interface DigitReading {
  digits: string;
  voice: string;
  language: 'en' | 'zh';
  /** 16 kHz mono, `durationSec` long, with a faint noise floor like a real room. */
  pcm: Float32Array;
  /** Where each digit's recording starts and ends, seconds. */
  words: Array<{ digit: string; startSec: number; endSec: number }>;
  /** The recordings read, as paths. */
  sources: string[];
}

export interface ReadingLayout {
  /** Length of the sound track (the face clip's length). */
  durationSec: number;
  /** The talking part of the face clip: the reading is spread over it. */
  talkFromSec: number;
  talkToSec: number;
}

/**
 * Four digits of one voice, read with even pauses so that the reading spans the face's talking
 * part (pauses kept between 0.1 and 0.6 s, as people read digits); a reading longer than the
 * talking part starts where the talking starts.
 */
export async function readDigits(voice: DigitVoice, rng: () => number, layout: ReadingLayout): Promise<DigitReading> {
  const available = [...voice.takes.keys()];
  const chosen = Array.from({ length: 4 }, () => available[Math.floor(rng() * available.length)]);
  const files = chosen.map((d) => {
    const takes = voice.takes.get(d) ?? [];
    return takes[Math.floor(rng() * takes.length)];
  });
  const parts = await Promise.all(files.map(spokenPart));
  const spoken = parts.reduce((s, p) => s + p.length / SAMPLE_RATE, 0);
  const span = layout.talkToSec - layout.talkFromSec;
  const pause = Math.min(0.6, Math.max(0.1, (span - spoken) / 3));
  const total = spoken + 3 * pause;
  let at = Math.max(0, layout.talkFromSec + Math.max(0, (span - total) / 2));
  const pcm = new Float32Array(Math.round(layout.durationSec * SAMPLE_RATE));
  let seed = Math.floor(rng() * 2 ** 31) || 1;
  // White noise near -70 dBFS: digital silence between words would be an artefact no microphone makes.
  for (let i = 0; i < pcm.length; i++) pcm[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.001;
  const words: DigitReading['words'] = [];
  for (const [i, part] of parts.entries()) {
    const start = Math.round(at * SAMPLE_RATE);
    for (let k = 0; k < part.length && start + k < pcm.length; k++) pcm[start + k] += part[k];
    words.push({ digit: String(chosen[i]), startSec: at, endSec: at + part.length / SAMPLE_RATE });
    at += part.length / SAMPLE_RATE + pause;
  }
  return { digits: chosen.join(''), voice: voice.name, language: voice.language, pcm, words, sources: files };
}
