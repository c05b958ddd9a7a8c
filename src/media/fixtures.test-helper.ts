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
