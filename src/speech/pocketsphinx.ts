import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_RATE } from './tokens.js';

/**
 * Baseline for the evaluation: Debian's pocketsphinx with its US English model, restricted
 * to a grammar of exactly N English digits, run once over all cases (pocketsphinx_batch).
 */

const MODEL = '/usr/share/pocketsphinx/model/en-us';
const WORDS: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};

export function pocketsphinxAvailable(): boolean {
  return existsSync(join(MODEL, 'en-us')) && existsSync('/usr/bin/pocketsphinx_batch');
}

function wav16(pcm: Float32Array): Buffer {
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, pcm[i] ?? 0)) * 32767), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Digit strings pocketsphinx hears in each clip (all clips must hold `length` digits). */
export async function pocketsphinxDigits(clips: Float32Array[], length: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'livecheck-ps-'));
  try {
    const ids = clips.map((_, i) => `u${String(i).padStart(5, '0')}`);
    await Promise.all(clips.map((c, i) => writeFile(join(dir, `${ids[i]}.wav`), wav16(c))));
    await writeFile(join(dir, 'list.ctl'), ids.join('\n') + '\n');
    const d = Array.from({ length }, () => '<d>').join(' ');
    await writeFile(join(dir, 'digits.gram'), `#JSGF V1.0;\ngrammar digits;\npublic <s> = ${d};\n<d> = ${Object.keys(WORDS).join(' | ')};\n`);
    await new Promise<void>((resolve, reject) => {
      execFile(
        'pocketsphinx_batch',
        ['-hmm', join(MODEL, 'en-us'), '-dict', join(MODEL, 'cmudict-en-us.dict'), '-jsgf', join(dir, 'digits.gram'),
          '-ctl', join(dir, 'list.ctl'), '-cepdir', dir, '-cepext', '.wav', '-adcin', 'yes', '-adchdr', '44',
          '-hyp', join(dir, 'out.hyp'), '-logfn', '/dev/null'],
        { timeout: 30 * 60_000 },
        (err) => (err ? reject(new Error(`pocketsphinx_batch failed: ${err.message.split('\n')[0]}`)) : resolve()),
      );
    });
    const hyps = new Map<string, string>();
    for (const line of (await readFile(join(dir, 'out.hyp'), 'utf8')).split('\n')) {
      const m = /^(.*)\((\S+)\s/.exec(line);
      if (!m?.[2]) continue;
      hyps.set(m[2], (m[1] ?? '').trim().split(/\s+/).map((w) => WORDS[w.toLowerCase()] ?? '').join(''));
    }
    return ids.map((id) => hyps.get(id) ?? '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
