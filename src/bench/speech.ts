import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { resolveThresholds } from '../config/index.js';
import { readAudioFile, verifyDigits, warmUpSpeech } from '../speech/index.js';
import { defaultModelPath } from '../speech/model.js';

const run = promisify(execFile);
const RUNS = 30;
const SECONDS = 5;

/**
 * `npm run bench:speech`: time of verifyDigits on a 5-second clip (espeak-ng reading four
 * digits, padded with silence), one thread, model already loaded, when the digit model accepts
 * and when it does not (the Mandarin second reading then runs too), and when it accepts a
 * Mandarin reading (the second reading then checks the fit); plus the first call that loads
 * the model.
 */
export async function benchSpeech(): Promise<{ title: string; markdown: string; figures: Record<string, number> }> {
  const dir = await mkdtemp(join(tmpdir(), 'livecheck-bench-speech-'));
  try {
    const wav = join(dir, 'digits.wav');
    await run('espeak-ng', ['-v', 'en', '-w', join(dir, 'raw.wav'), 'three, five, nine, one']);
    await run('sox', [join(dir, 'raw.wav'), '-r', '16000', '-c', '1', wav, 'pad', '0.5', '0', 'trim', '0', String(SECONDS)]);
    await run('espeak-ng', ['-v', 'cmn', '-w', join(dir, 'raw-zh.wav'), '七，二，零，八']);
    await run('sox', [join(dir, 'raw-zh.wav'), '-r', '16000', '-c', '1', join(dir, 'zh.wav'), 'pad', '0.5', '0', 'trim', '0', String(SECONDS)]);
    const fiveSeconds = async (file: string): Promise<Float32Array> => {
      const out = new Float32Array(SECONDS * 16000);
      out.set((await readAudioFile(file)).slice(0, SECONDS * 16000));
      return out;
    };
    // Speech from end to end, nothing for speechSpan to cut: the reject path's worst case.
    await run('espeak-ng', ['-v', 'en', '-s', '140', '-w', join(dir, 'raw-long.wav'), 'three five nine one two eight four six seven zero three five nine one two eight']);
    await run('sox', [join(dir, 'raw-long.wav'), '-r', '16000', '-c', '1', join(dir, 'long.wav'), 'trim', '0', String(SECONDS)]);
    const padded = await fiveSeconds(wav);
    const allSpeech = await fiveSeconds(join(dir, 'long.wav'));
    const mandarin = await fiveSeconds(join(dir, 'zh.wav'));
    const th = resolveThresholds().digits;
    const t0 = performance.now();
    await verifyDigits(padded, '3591', th);
    const firstMs = performance.now() - t0;
    // As a worker thread starts (src/workers/tasks.ts): loads the second reading and lets V8
    // compile its loops, so the figures are a warm thread's.
    await warmUpSpeech();
    await verifyDigits(padded, '3592', th);
    // The accept path (the digit model accepts the reading) and the reject path (the same
    // reading claimed as another string: the model does not accept, so the Mandarin second
    // reading runs too), each RUNS times.
    const timed = async (claim: string, pcm = padded): Promise<{ mean: number; median: number; fastest: number; p95: number; secondReading: boolean }> => {
      const times: number[] = [];
      let secondReading = false;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        const v = await verifyDigits(pcm, claim, th);
        times.push(performance.now() - t);
        secondReading = v.mandarin !== null || v.mandarinFit !== null;
      }
      times.sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? mean;
      return { mean, median: at(0.5), fastest: at(0), p95: at(0.95), secondReading };
    };
    const accept = await timed('3591');
    const reject = await timed('3592');
    const rejectAllSpeech = await timed('3592', allSpeech);
    const zh = await timed('7208', mandarin);
    const sizeMb = statSync(defaultModelPath()).size / 1e6;
    const r1 = (v: number): number => Math.round(v * 10) / 10;
    const figures = {
      verify5sMeanMs: r1(accept.mean),
      verify5sP95Ms: r1(accept.p95),
      reject5sMeanMs: r1(reject.mean),
      reject5sMedianMs: r1(reject.median),
      reject5sFastestMs: r1(reject.fastest),
      reject5sP95Ms: r1(reject.p95),
      rejectAllSpeech5sMeanMs: r1(rejectAllSpeech.mean),
      rejectAllSpeech5sMedianMs: r1(rejectAllSpeech.median),
      mandarinAccept5sMeanMs: r1(zh.mean),
      mandarinAccept5sMedianMs: r1(zh.median),
      firstCallWithModelLoadMs: Math.round(firstMs),
      modelSizeMb: Math.round(sizeMb * 100) / 100,
    };
    const markdown = [
      `Digit verification of a ${SECONDS} s clip (four digits read in about 2 s after 0.5 s of silence, silence after them: the readings hear the first 2.9 s, cut to its speech), ${RUNS} runs each after the warm-up a worker thread does, onnxruntime-node with 1 intra-op thread (goal: < 50 ms). Accept path: the digit model accepts the reading. Reject path: the same reading claimed one digit off, so the model does not accept and the Mandarin second reading runs as well${reject.secondReading ? '' : ' (it did not run here: check the claim)'}. The last rows: ${SECONDS} s of digits read without a pause, nothing to cut, claimed as four digits: the reject path at its slowest.`,
      '',
      '| figure | value |',
      '|---|---|',
      `| accept path, mean | ${figures.verify5sMeanMs} ms |`,
      `| accept path, p95 | ${figures.verify5sP95Ms} ms |`,
      `| reject path (with the second reading), mean | ${figures.reject5sMeanMs} ms |`,
      `| reject path, median / fastest (on a shared machine the fastest run is the one least slowed by other work) | ${figures.reject5sMedianMs} / ${figures.reject5sFastestMs} ms |`,
      `| reject path, p95 | ${figures.reject5sP95Ms} ms |`,
      `| Mandarin accept path (the digit model accepts, the second reading checks the fit${zh.secondReading ? '' : '; it did not run here: check the clip'}), mean / median | ${figures.mandarinAccept5sMeanMs} / ${figures.mandarinAccept5sMedianMs} ms |`,
      `| reject path on ${SECONDS} s of speech without a pause, mean / median | ${figures.rejectAllSpeech5sMeanMs} / ${figures.rejectAllSpeech5sMedianMs} ms |`,
      `| first call (loads the digit model) | ${figures.firstCallWithModelLoadMs} ms |`,
      `| model file | ${figures.modelSizeMb} MB |`,
    ].join('\n');
    return { title: 'Speech (digit verification)', markdown, figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchSpeech();
  process.stdout.write(`## ${r.title}\n\n${r.markdown}\n`);
}
