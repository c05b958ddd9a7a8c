import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, SAMPLE_RATE } from '../media/index.js';

/**
 * Word timings of real sentences by Debian's pocketsphinx with its US English model, for the
 * lip-sync study (src/eval/lip-study.ts) and its tests. The service never runs it: it is too
 * slow for the speech budget, and the per-digit timing at run time comes from the digit model.
 */

const MODEL = '/usr/share/pocketsphinx/model/en-us';

export function pocketsphinxAvailable(): boolean {
  return existsSync(join(MODEL, 'en-us')) && existsSync('/usr/bin/pocketsphinx_batch');
}

/** Runs pocketsphinx_batch over one recording (written as a WAV file to a temp dir) and lets `read` collect its output. */
async function batch<T>(pcm: Float32Array, search: (dir: string) => Promise<string[]>, read: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'livecheck-ps-'));
  try {
    await writeFile(join(dir, 'u0.wav'), encodeWav(pcm, SAMPLE_RATE));
    await writeFile(join(dir, 'list.ctl'), 'u0\n');
    const args = await search(dir);
    await new Promise<void>((resolve, reject) => {
      execFile(
        'pocketsphinx_batch',
        ['-hmm', join(MODEL, 'en-us'), '-dict', join(MODEL, 'cmudict-en-us.dict'), ...args,
          '-ctl', join(dir, 'list.ctl'), '-cepdir', dir, '-cepext', '.wav', '-adcin', 'yes', '-adchdr', '44',
          '-hyp', join(dir, 'out.hyp'), '-logfn', '/dev/null'],
        { timeout: 30 * 60_000 },
        (err) => (err ? reject(new Error(`pocketsphinx_batch failed: ${err.message.split('\n')[0]}`)) : resolve()),
      );
    });
    return await read(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface TimedWord {
  word: string;
  startSec: number;
  endSec: number;
}

/**
 * Beams wider than pocketsphinx's defaults, tried only when a forced search ends off the
 * grammar ("Final result does not match the grammar"): that happened to about 1 in 6 dithered
 * takes of the same synthetic sentence, and leaves no timing at all. The default beams stay
 * first, so the timings the lip-sync thresholds were measured with do not move.
 */
const WIDE_BEAMS = ['-beam', '1e-60', '-wbeam', '1e-40', '-pbeam', '1e-60'];

/**
 * Word timings in one recording: forced to `sentence` when it is known (a grammar of exactly
 * that word sequence), else pocketsphinx's own recognition with its language model, whose
 * words may be wrong though their timing follows the speech. Silence is kept in the timeline
 * (`-remove_silence no`; with it, times were shifted by up to 0.4 s on the GRID clips).
 */
export async function pocketsphinxWords(pcm: Float32Array, sentence: string | null): Promise<TimedWord[]> {
  const run = (beams: string[]): Promise<TimedWord[]> => {
    const search = async (dir: string): Promise<string[]> => {
      const out = ['-remove_silence', 'no', '-ctm', join(dir, 'out.ctm'), ...beams];
      if (sentence === null) return ['-lm', join(MODEL, 'en-us.lm.bin'), ...out];
      await writeFile(join(dir, 'sentence.gram'), `#JSGF V1.0;\ngrammar sentence;\npublic <s> = ${sentence.toLowerCase().replace(/[^a-z' ]/g, ' ')};\n`);
      return ['-jsgf', join(dir, 'sentence.gram'), ...out];
    };
    return batch(pcm, search, async (dir) =>
      (await readFile(join(dir, 'out.ctm'), 'utf8'))
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f.length >= 5 && !/^[<[]/.test(f[4] ?? ''))
        .map((f) => ({ word: (f[4] ?? '').replace(/\(\d+\)$/, ''), startSec: Number(f[2]), endSec: Number(f[2]) + Number(f[3]) })),
    );
  };
  const words = await run([]);
  return words.length === 0 && sentence !== null ? run(WIDE_BEAMS) : words;
}

/** Pronunciations of the model's dictionary (CMU phones without stress), for the words of a sentence. */
export async function pocketsphinxPhones(words: string[]): Promise<Map<string, string[]>> {
  const wanted = new Set(words.map((w) => w.toLowerCase()));
  const out = new Map<string, string[]>();
  for (const line of (await readFile(join(MODEL, 'cmudict-en-us.dict'), 'utf8')).split('\n')) {
    const [w, ...phones] = line.trim().split(/\s+/);
    if (w && wanted.has(w) && !out.has(w)) out.set(w, phones);
  }
  return out;
}
