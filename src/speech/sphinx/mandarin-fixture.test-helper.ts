import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real Mandarin digits for tests: the single-syllable takes of Debian's gcin-voice (voice 3, a
 * man), joined by ffmpeg and sped up to a fast reading (about 0.3 s per digit), 16 kHz mono.
 * Null when the package is not installed (.ci/run installs it).
 */

const GCIN = '/usr/share/gcin-voice/ogg';
const FOLDER: Record<string, string> = { '0': 'ㄌㄧㄥ2', '1': 'ㄧ', '2': 'ㄦ4', '3': 'ㄙㄢ', '4': 'ㄙ4', '5': 'ㄨ3', '6': 'ㄌㄧㄡ4', '7': 'ㄑㄧ', '8': 'ㄅㄚ', '9': 'ㄐㄧㄡ3' };

export const gcinAvailable = (): boolean => existsSync(join(GCIN, FOLDER['0'] as string, '3.ogg'));

export function gcinReading(digits: string, tempo = 1.8): Float32Array | null {
  if (!gcinAvailable()) return null;
  const inputs = [...digits].flatMap((d) => ['-i', join(GCIN, FOLDER[d] as string, '3.ogg')]);
  const joined = [...digits].map((_, i) => `[${i}:a]`).join('');
  const filter = `${joined}concat=n=${digits.length}:v=0:a=1,aresample=16000,atempo=${tempo},adelay=300,apad=pad_dur=0.3`;
  const out = execFileSync('ffmpeg', ['-v', 'error', ...inputs, '-filter_complex', filter, '-ac', '1', '-f', 'f32le', 'pipe:1'], { maxBuffer: 1 << 26 });
  return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}
