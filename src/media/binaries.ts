import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * ffmpeg/ffprobe paths: the system binaries when present (distribution builds get security
 * updates), else the npm-shipped static builds so that `npm ci` alone yields a working service.
 * LIVECHECK_FFMPEG / LIVECHECK_FFPROBE override both.
 */

const require = createRequire(import.meta.url);

/**
 * Whether `name` runs. A missing or broken binary does not; a slow one does: on a busy machine
 * `ffmpeg -version` took longer than the 5 s limit this had, and counting that as absent
 * silently switched to the npm fallback build (an ffmpeg of 2018 without options we use).
 */
export function binaryRuns(name: string, timeoutMs = 30_000): boolean {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore', timeout: timeoutMs });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  }
}

function resolve(name: 'ffmpeg' | 'ffprobe', envVar: string, fallbackPackage: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  if (binaryRuns(name)) return name;
  try {
    return (require(fallbackPackage) as { path: string }).path;
  } catch {
    throw new Error(`${name} not found: install it or the npm package ${fallbackPackage}`);
  }
}

let ffmpeg: string | undefined;
let ffprobe: string | undefined;

export function ffmpegPath(): string {
  ffmpeg ??= resolve('ffmpeg', 'LIVECHECK_FFMPEG', '@ffmpeg-installer/ffmpeg');
  return ffmpeg;
}

export function ffprobePath(): string {
  ffprobe ??= resolve('ffprobe', 'LIVECHECK_FFPROBE', '@ffprobe-installer/ffprobe');
  return ffprobe;
}

/** Network and device protocols are refused: uploads may be playlists pointing elsewhere. */
export const PROTOCOL_WHITELIST = ['-protocol_whitelist', 'file,pipe'];

/**
 * Largest picture decoded: 8192x4320, H.264's largest level (6.2) and above 8K UHD, so every phone
 * recording fits. A few hundred kB of video can declare any size: 16000x8000 took 625 MB in one
 * ffmpeg, and a decoder holding 16 reference pictures of that size would take 3 GB.
 */
export const MAX_VIDEO_PIXELS = 8192 * 4320;

/**
 * Input options of every decoding ffmpeg run on an upload: local files only, pictures bounded in
 * the decoder itself. (ffprobe, for tools only, reads the size so that judgeInput can name it.)
 */
export const INPUT_GUARDS = [...PROTOCOL_WHITELIST, '-max_pixels', String(MAX_VIDEO_PIXELS)];
