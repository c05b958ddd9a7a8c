import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../core/repo-root.js';

/**
 * Real Mandarin digits for tests: the single-syllable takes of Debian's gcin-voice voice 3 (a
 * man; zh-gcin3 in training/speech/voices.json, first take of each digit), joined by ffmpeg and
 * sped up to a fast reading (about 0.3 s per digit), 16 kHz mono. Null when the package is not
 * installed (.ci/run installs it). `formants` above 1 resamples the voice so that its formants (and
 * pitch) sit that much higher, as a shorter vocal tract's do, at the same reading pace.
 */

/** The first take of each digit 0-9, or null when any is missing. */
function gcin3Takes(): string[] | null {
  const table = JSON.parse(readFileSync(join(repoRoot(), 'training', 'speech', 'voices.json'), 'utf8')) as { voices: { id: string; digits: Record<string, string[]> }[] };
  const digits = table.voices.find((v) => v.id === 'zh-gcin3')?.digits ?? {};
  const first = [...'0123456789'].map((d) => digits[d]?.[0] ?? '');
  return first.every((p) => p !== '' && existsSync(p)) ? first : null;
}

export const gcinAvailable = (): boolean => gcin3Takes() !== null;

export function gcinReading(digits: string, tempo = 1.8, formants = 1): Float32Array | null {
  const takes = gcin3Takes();
  if (!takes) return null;
  const inputs = [...digits].flatMap((d) => ['-i', takes[Number(d)] as string]);
  const joined = [...digits].map((_, i) => `[${i}:a]`).join('');
  const shift = formants === 1 ? '' : `asetrate=${Math.round(16000 * formants)},aresample=16000,`;
  const filter = `${joined}concat=n=${digits.length}:v=0:a=1,aresample=16000,${shift}atempo=${(tempo / formants).toFixed(4)},adelay=300,apad=pad_dur=0.3`;
  const out = execFileSync('ffmpeg', ['-v', 'error', ...inputs, '-filter_complex', filter, '-ac', '1', '-f', 'f32le', 'pipe:1'], { maxBuffer: 1 << 26 });
  return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}
