import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { analyzeAudio } from '../audio/index.js';
import type { Thresholds } from '../config/index.js';
import { decodeAudio, SAMPLE_RATE } from '../media/index.js';
import {
  ATTACKS,
  GENUINE_JUDGING,
  audioShift,
  dubbedDigits,
  dubbing,
  extractFrame,
  findDigitVoices,
  findSpoofPhotos,
  greyscalePhoto,
  heavyReencode,
  lowResolution,
  noAudio,
  phoneReplay,
  printedPhoto,
  probe,
  readDigits,
  screenRecapture,
  screenReplay,
  silentAudio,
  stillPhoto,
  uprightPhoto,
  warpedPhoto,
  wrongDigits,
} from './attacks/index.js';
import { ffmpeg, input, MP4_OUT } from './attacks/ffmpeg.js';
import type { AttackType, EvalCase, PictureSet } from './types.js';
import { seededRandom } from '../core/seeded-random.js';
import { spreadIndices } from '../core/spread.js';

/** A photo for the picture-liveness path. */
export interface PictureCase {
  id: string;
  kind: 'genuine' | 'attack';
  attack?: AttackType;
  set?: PictureSet;
  /** A grey copy of a colour photo, reported apart from the photos as they are. */
  greyscale?: boolean;
  source: string;
  imagePath: string;
}

export interface BuiltCases {
  cases: EvalCase[];
  pictures: PictureCase[];
  notes: string[];
}

export interface BuildOptions {
  dataDir: string;
  workDir: string;
  /** The resolution minimum under evaluation (thresholds `video`): smaller clips are upscaled to it. */
  video: Thresholds['video'];
  /** Seed of the challenge digits and digit recordings chosen, so a rerun builds the same cases. */
  seed?: number;
  /** Build attacks from at most this many genuine clips (spread over the list); default all. */
  maxSources?: number;
  onProgress?: (label: string) => void;
  /** Simulated screen-replay, phone-replay and print cases per source clip, each with its own look (default 3). */
  presentationVariants?: number;
  /**
   * Keep media already in workDir from an earlier run instead of generating them again (the
   * choices are seeded, so the same seed and data give the same files); generation is most of
   * a run's time besides the pipeline.
   */
  reuse?: boolean;
}

/** Bad evaluation input, reported as a code and a message (never a stack trace). */
export class EvalInputError extends Error {
  constructor(
    readonly code: 'DATA_NOT_FOUND' | 'NO_GENUINE_CLIPS' | 'BAD_OPTION',
    message: string,
  ) {
    super(message);
    this.name = 'EvalInputError';
  }
}

const VIDEO_EXT = /\.(mp4|mov|webm|mkv|avi|flv|3gp)$/i;
/** Dubbed-digit readings (different voices) laid over each face. */
const DUBBED_READINGS_PER_FACE = 2;

const pick = <T>(rng: () => number, items: T[]): T => items[Math.floor(rng() * items.length)];

function challenge(rng: () => number): string {
  return Array.from({ length: 4 }, () => String(Math.floor(rng() * 10))).join('');
}

/** Four digits that differ from the challenge in every position. */
export function otherDigits(digits: string, rng: () => number): string {
  return [...digits].map((d) => String((Number(d) + 1 + Math.floor(rng() * 9)) % 10)).join('');
}

async function listFiles(dir: string, pattern: RegExp): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((f) => pattern.test(f)).sort().map((f) => join(dir, f));
}

interface Clip {
  /** Short name used in case ids, e.g. grid-bbaf2n. */
  name: string;
  /** Original file, relative to the data dir. */
  source: string;
  /** The file the pipeline and the generators read (the original, or its upscaled copy). */
  path: string;
  durationSec: number;
  /** The digit a GRID sentence holds (transcripts.csv); null for the talking clips. */
  spokenDigit: string | null;
}

/** GRID's transcripts.csv: file name -> the one digit its sentence holds. */
async function gridDigits(dataDir: string): Promise<Map<string, string>> {
  const csv = join(dataDir, 'video', 'grid', 'transcripts.csv');
  if (!existsSync(csv)) return new Map();
  const rows = (await readFile(csv, 'utf8')).trim().split('\n').slice(1);
  return new Map(rows.map((l) => l.trim().split(',')).filter((f) => /^\d$/.test(f[2] ?? '')).map((f) => [f[0], f[2]] as [string, string]));
}

/** Where the clip's face is talking: from the first to the last speech of its own sound track. */
async function talkingPart(clip: Clip): Promise<{ durationSec: number; talkFromSec: number; talkToSec: number }> {
  const segs = analyzeAudio(await decodeAudio(clip.path, { maxDurationSec: 60, timeoutMs: 60_000 }), SAMPLE_RATE).segments;
  return { durationSec: clip.durationSec, talkFromSec: segs[0]?.start ?? 0, talkToSec: segs[segs.length - 1]?.end ?? clip.durationSec };
}

/**
 * Clips under the SPEC minimum of 270x480 would be refused with -5015 before any other check
 * runs; GRID's 360x288 clips are such. They are upscaled just enough to meet it, and the
 * report says so, so that face, mouth, sync and presentation can be measured on them.
 */
async function prepareClip(path: string, opts: BuildOptions, notes: string[], spokenDigit: string | null): Promise<Clip | null> {
  const { dataDir, workDir } = opts;
  const reuse = opts.reuse ?? false;
  const group = basename(join(path, '..'));
  const name = `${group}-${basename(path).replace(VIDEO_EXT, '')}`;
  const source = relative(dataDir, path);
  const info = await probe(path);
  if (!info.hasAudio || !info.width || !info.height) {
    notes.push(`${source} skipped: it has no audio or no video stream.`);
    return null;
  }
  const short = Math.min(info.width, info.height);
  const long = Math.max(info.width, info.height);
  const minShort = opts.video.minShortSide;
  const minLong = opts.video.minLongSide;
  if (short >= minShort && long >= minLong) return { name, source, path, durationSec: info.durationSec, spokenDigit };
  const factor = Math.max(minShort / short, minLong / long);
  const w = Math.ceil((info.width * factor) / 2) * 2;
  const h = Math.ceil((info.height * factor) / 2) * 2;
  const out = join(workDir, 'genuine', `${name}.mp4`);
  if (!(reuse && existsSync(out))) await ffmpeg([...input(path), '-vf', `scale=${w}:${h}:flags=lanczos`, ...MP4_OUT, '-crf', '18', out]);
  notes.push(`${source} is ${info.width}x${info.height}, under the SPEC minimum of ${minShort}x${minLong}: upscaled to ${w}x${h} (lanczos, CRF 18) for the genuine case and every attack built from it.`);
  return { name, source, path: out, durationSec: info.durationSec, spokenDigit };
}

/**
 * The honest face photos of DIR/faces as bona fide pictures. face-api.js's per-person examples
 * (faceapi_js/examples/images/<name>/) are 150x150 grey crops of the face alone, a set of
 * their own; everything else is a photo with the person's surroundings in it.
 */
async function facePhotos(dataDir: string): Promise<PictureCase[]> {
  const dir = join(dataDir, 'faces');
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(jpe?g|png)$/i.test(e.name))
    .map((e) => relative(dataDir, join(e.parentPath, e.name)))
    .sort()
    .map((source) => ({
      id: `face-${source.slice('faces/'.length).replace(/[/.]/g, '-')}`,
      kind: 'genuine' as const,
      set: /^faces\/faceapi_js\/examples\/images\/[^/]+\//.test(source) ? ('face-crop' as const) : ('face-photo' as const),
      source,
      imagePath: join(dataDir, source),
    }));
}

export async function buildCases(opts: BuildOptions): Promise<BuiltCases> {
  const { dataDir, workDir } = opts;
  if (!existsSync(join(dataDir, 'video'))) {
    throw new EvalInputError('DATA_NOT_FOUND', `no video/ folder in ${dataDir}: pass --data with the shared evaluation data`);
  }
  if (opts.maxSources !== undefined && !(Number.isInteger(opts.maxSources) && opts.maxSources > 0)) {
    throw new EvalInputError('BAD_OPTION', `max sources must be a positive integer (got ${opts.maxSources})`);
  }
  const variants = opts.presentationVariants ?? 3;
  if (!(Number.isInteger(variants) && variants >= 0)) throw new EvalInputError('BAD_OPTION', `presentation variants must be a whole number (got ${variants})`);
  for (const sub of ['genuine', 'attacks', 'frames', 'photos']) await mkdir(join(workDir, sub), { recursive: true });
  const rng = seededRandom(opts.seed ?? 1);
  const notes: string[] = [];
  const progress = opts.onProgress ?? (() => undefined);

  const clips: Clip[] = [];
  const spoken = await gridDigits(dataDir);
  for (const group of ['grid', 'talking']) {
    for (const path of await listFiles(join(dataDir, 'video', group), VIDEO_EXT)) {
      progress(`prepare ${relative(dataDir, path)}`);
      const clip = await prepareClip(path, opts, notes, group === 'grid' ? (spoken.get(basename(path)) ?? null) : null);
      if (clip) clips.push(clip);
    }
  }
  if (clips.length === 0) throw new EvalInputError('NO_GENUINE_CLIPS', `no usable speaking clips under ${join(dataDir, 'video')}`);

  const cases: EvalCase[] = clips.map((c) => ({
    id: `genuine-${c.name}`,
    kind: 'genuine',
    videoPath: c.path,
    digits: challenge(rng),
    judgedBy: GENUINE_JUDGING.judgedBy,
    targets: GENUINE_JUDGING.targets,
    sources: [c.source],
  }));
  const pictures: PictureCase[] = [];

  const attack = async (type: AttackType, id: string, sources: string[], make: (out: string) => Promise<string>, digits?: string): Promise<void> => {
    const out = join(workDir, 'attacks', `${id}.mp4`);
    // Written under another name and renamed when complete, so a reused work dir never holds half a file.
    const partial = join(workDir, 'attacks', `${id}.part.mp4`);
    try {
      if (opts.reuse && existsSync(out)) progress(`reuse ${id}`);
      else {
        progress(`generate ${id}`);
        await make(partial);
        await rename(partial, out);
      }
      cases.push({ id, kind: 'attack', attack: type, videoPath: out, digits: digits ?? challenge(rng), judgedBy: ATTACKS[type].judgedBy, targets: ATTACKS[type].targets, sources });
    } catch (err) {
      await rm(partial, { force: true });
      notes.push(`${id} not generated: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const digitWavs = new Map<string, string[]>();
  for (const wav of await listFiles(join(dataDir, 'speech', 'fsdd'), /^\d_.+\.wav$/)) {
    const d = basename(wav)[0];
    digitWavs.set(d, [...(digitWavs.get(d) ?? []), wav]);
  }
  if (digitWavs.size < 10) notes.push('speech/fsdd is missing or incomplete: no wrong-digits cases.');

  const frames = new Map<string, string>();
  for (const clip of clips) {
    const frame = await extractFrame({ clip: clip.path, atSec: clip.durationSec / 2, out: join(workDir, 'frames', `${clip.name}.png`) });
    frames.set(clip.name, frame);
    pictures.push({ id: `frame-${clip.name}`, kind: 'genuine', set: 'clip-frame', source: clip.source, imagePath: frame });
  }

  const voices = await findDigitVoices(dataDir);
  if (voices.length === 0) notes.push('no digit recordings under speech/: no dubbed-digits cases.');
  // A generator of its own, so that adding these attacks left every other case's choices as they were.
  const voiceRng = seededRandom((opts.seed ?? 1) + 1000);
  let nextVoice = Math.floor(voiceRng() * Math.max(1, voices.length));

  const chosen = spreadIndices(clips.length, opts.maxSources ?? clips.length);

  if (chosen.length < clips.length) notes.push(`attacks built from ${chosen.length} of ${clips.length} clips (--max-sources).`);
  for (const i of chosen) {
    const clip = clips[i];
    const other = clips[(i + 1) % clips.length];
    const src = [clip.source];
    if (digitWavs.size === 10) {
      const digits = challenge(rng);
      const spoken = otherDigits(digits, rng);
      const wavs = [...spoken].map((d) => pick(rng, digitWavs.get(d) ?? []));
      await attack('wrong-digits', `wrong-digits-${clip.name}`, [...src, ...wavs.map((w) => relative(dataDir, w))], (out) => wrongDigits({ face: clip.path, digitWavs: wavs, out }), digits);
    }
    if (other !== clip) {
      await attack('dubbing', `dubbing-${clip.name}+${other.name}`, [...src, other.source], (out) => dubbing({ face: clip.path, voice: other.path, out }));
    }
    if (voices.length > 0) {
      const layout = await talkingPart(clip);
      for (let k = 0; k < Math.min(DUBBED_READINGS_PER_FACE, voices.length); k++) {
        const reading = await readDigits(voices[nextVoice++ % voices.length], voiceRng, layout);
        const id = `dubbed-digits-${clip.name}+${reading.voice}`;
        await attack('dubbed-digits', id, [...src, ...reading.sources.map((f) => relative(dataDir, f))], (out) => dubbedDigits({ face: clip.path, reading, out }), reading.digits);
      }
    }
    if (clip.spokenDigit !== null) {
      // The replayed voice's own digit is the challenge, over one GRID face and one talking face.
      const talking = clips.filter((c) => c.spokenDigit === null);
      const faces = [clips.find((c, j) => j > i && c.spokenDigit !== null) ?? clips.find((c) => c !== clip && c.spokenDigit !== null), talking[i % Math.max(1, talking.length)]];
      for (const face of faces.filter((f): f is Clip => f !== undefined)) {
        await attack('replayed-voice', `replayed-voice-${clip.name}+${face.name}`, [clip.source, face.source], (out) => dubbing({ face: face.path, voice: clip.path, out }), clip.spokenDigit);
      }
    }
    await attack('audio-shift-0.5s', `audio-shift-0.5s-${clip.name}`, src, (out) => audioShift({ clip: clip.path, seconds: 0.5, out }));
    await attack('audio-shift-1s', `audio-shift-1s-${clip.name}`, src, (out) => audioShift({ clip: clip.path, seconds: 1, out }));
    const frame = frames.get(clip.name) as string;
    await attack('still-photo', `still-photo-${clip.name}`, src, (out) => stillPhoto({ image: frame, audio: clip.path, out }));
    await attack('warped-photo', `warped-photo-${clip.name}`, src, (out) => warpedPhoto({ image: frame, audio: clip.path, out }));
    await attack('no-audio', `no-audio-${clip.name}`, src, (out) => noAudio({ clip: clip.path, out }));
    await attack('silent-audio', `silent-audio-${clip.name}`, src, (out) => silentAudio({ clip: clip.path, out }));
    await attack('low-resolution', `low-resolution-${clip.name}`, src, (out) => lowResolution({ clip: clip.path, out }));
    await attack('heavy-reencode', `heavy-reencode-${clip.name}`, src, (out) => heavyReencode({ clip: clip.path, out }));
    await attack('screen-recapture', `screen-recapture-${clip.name}`, src, (out) => screenRecapture({ clip: clip.path, out }));
    for (let v = 1; v <= variants; v++) {
      // Each case draws its look from its own seed, so a rebuild reproduces it exactly.
      const seed = (opts.seed ?? 1) * 1_000_003 + i * 1009 + v;
      await attack('screen-replay', `screen-replay-${clip.name}-${v}`, src, (out) => screenReplay({ clip: clip.path, out, seed }));
      await attack('phone-replay', `phone-replay-${clip.name}-${v}`, src, (out) => phoneReplay({ clip: clip.path, out, seed: seed + 101 }));
      await attack('print-photo', `print-photo-${clip.name}-${v}`, src, (out) => printedPhoto({ image: frame, audio: clip.path, out, seed: seed + 202 }));
    }
  }

  const spoofDir = join(dataDir, 'spoof');
  if (existsSync(spoofDir)) {
    const scan = await findSpoofPhotos(spoofDir);
    for (const u of scan.unlabelled) notes.push(`spoof/${u} has no bona fide/attack label and was not evaluated.`);
    const voices = [...clips].reverse();
    for (const [n, photo] of scan.photos.entries()) {
      const image = await uprightPhoto(photo.path, join(workDir, 'photos'));
      const source = `spoof/${photo.source}`;
      const name = basename(photo.source).replace(/\.\w+$/, '');
      pictures.push({ id: `photo-${name}`, kind: photo.kind, attack: photo.attack, set: photo.kind === 'genuine' ? 'selfie' : undefined, source, imagePath: image });
      pictures.push({ id: `photo-${name}-grey`, kind: photo.kind, attack: photo.attack, greyscale: true, source, imagePath: await greyscalePhoto(photo.path, join(workDir, 'photos'), name) });
      // As a video, even a live selfie is a still photo presented to the camera.
      const stillType: AttackType = photo.attack ?? 'still-photo';
      const warpedType: AttackType = photo.attack ?? 'warped-photo';
      const voice = voices[n % voices.length];
      await attack(stillType, `${stillType}-still-${name}`, [source, voice.source], (out) => stillPhoto({ image, audio: voice.path, out }));
      await attack(warpedType, `${warpedType}-warped-${name}`, [source, voice.source], (out) => warpedPhoto({ image, audio: voice.path, out }));
    }
  } else {
    notes.push('no spoof/ folder: no real attack photos evaluated.');
  }
  const faces = await facePhotos(dataDir);
  pictures.push(...faces);
  for (const f of faces.filter((p) => p.set === 'face-photo')) {
    pictures.push({ ...f, id: `${f.id}-grey`, greyscale: true, imagePath: await greyscalePhoto(f.imagePath, join(workDir, 'photos'), f.id) });
  }
  return { cases, pictures, notes };
}
