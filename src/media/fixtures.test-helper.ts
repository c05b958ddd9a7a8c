import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Generated media for tests (ffmpeg, espeak-ng), in a temp dir removed by `cleanup`. */
export interface Fixtures {
  dir: string;
  path(name: string): string;
  ffmpeg(args: string[], out: string): string;
  /** espeak-ng speech as a 16 kHz mono wav. */
  speech(text: string, out?: string): string;
  cleanup(): void;
}

export function createFixtures(prefix = 'lc-media-'): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = (name: string): string => join(dir, name);
  return {
    dir,
    path,
    ffmpeg(args, out) {
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, path(out)]);
      return path(out);
    },
    speech(text, out = 'speech.wav') {
      const raw = path(`raw-${out}`);
      execFileSync('espeak-ng', ['-s', '140', '-w', raw, text]);
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', raw, '-ar', '16000', '-ac', '1', path(out)]);
      return path(out);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function writeBytes(f: Fixtures, name: string, bytes: Uint8Array): string {
  writeFileSync(f.path(name), bytes);
  return f.path(name);
}

/** ../shared/data (or LIVECHECK_SHARED_DATA) when present, else null so tests can skip. */
export function sharedData(): string | null {
  const dir = process.env.LIVECHECK_SHARED_DATA ?? resolve(import.meta.dirname ?? '.', '..', '..', '..', 'shared', 'data');
  return existsSync(dir) ? dir : null;
}

export const SHARED_DATA_MISSING = 'needs ../shared/data (or LIVECHECK_SHARED_DATA): not present here';

/**
 * A real face for tests that cannot use ../shared/data: the rightmost person of
 * @vladmandic/face-api's demo picture (demo/sample1.jpg, MIT), which `npm ci` installs, cropped
 * to a portrait head-and-shoulders and scaled to `size` (ffmpeg's w:h).
 */
export function facePhoto(f: Fixtures, out = 'face.png', size = '300:382'): string {
  const sample = resolve(import.meta.dirname ?? '.', '..', '..', 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg');
  return f.ffmpeg(['-i', sample, '-vf', `crop=440:560:1360:120,scale=${size}`], out);
}

/** The face photo held still for `seconds` with `audio` (a wav, padded with silence) as its sound, as H.264/AAC mp4. */
export function stillFaceVideo(f: Fixtures, opts: { photo: string; audio: string; seconds: number; out: string }): string {
  return f.ffmpeg(
    ['-loop', '1', '-framerate', '25', '-i', opts.photo, '-i', opts.audio, '-af', 'apad', '-t', String(opts.seconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    opts.out,
  );
}
