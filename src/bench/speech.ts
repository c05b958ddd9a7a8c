import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { resolveThresholds } from '../config/index.js';
import { readAudioFile, verifyDigits } from '../speech/index.js';
import { defaultModelPath } from '../speech/model.js';

const run = promisify(execFile);
const RUNS = 30;
const SECONDS = 5;

/**
 * `npm run bench:speech`: time of verifyDigits on a 5-second clip (espeak-ng reading four
 * digits, padded with silence), one thread, model already loaded; plus the first call that
 * loads the model.
 */
export async function benchSpeech(): Promise<{ title: string; markdown: string; figures: Record<string, number> }> {
  const dir = await mkdtemp(join(tmpdir(), 'livecheck-bench-speech-'));
  try {
    const wav = join(dir, 'digits.wav');
    await run('espeak-ng', ['-v', 'en', '-w', join(dir, 'raw.wav'), 'three, five, nine, one']);
    await run('sox', [join(dir, 'raw.wav'), '-r', '16000', '-c', '1', wav, 'pad', '0.5', '0', 'trim', '0', String(SECONDS)]);
    const pcm = (await readAudioFile(wav)).slice(0, SECONDS * 16000);
    const padded = new Float32Array(SECONDS * 16000);
    padded.set(pcm);
    const { minMargin: threshold, hmmMinFit } = resolveThresholds().digits;
    const t0 = performance.now();
    await verifyDigits(padded, '3591', { threshold, hmmMinFit });
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await verifyDigits(padded, '3591', { threshold, hmmMinFit });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const p95 = times[Math.min(times.length - 1, Math.floor(0.95 * times.length))] ?? mean;
    const sizeMb = statSync(defaultModelPath()).size / 1e6;
    const figures = {
      verify5sMeanMs: Math.round(mean * 10) / 10,
      verify5sP95Ms: Math.round(p95 * 10) / 10,
      firstCallWithModelLoadMs: Math.round(firstMs),
      modelSizeMb: Math.round(sizeMb * 100) / 100,
    };
    const markdown = [
      `Digit verification of a ${SECONDS} s clip, ${RUNS} runs after a warm-up, onnxruntime-node with 1 intra-op thread (goal: < 50 ms).`,
      '',
      '| figure | value |',
      '|---|---|',
      `| mean | ${figures.verify5sMeanMs} ms |`,
      `| p95 | ${figures.verify5sP95Ms} ms |`,
      `| first call (loads the model) | ${figures.firstCallWithModelLoadMs} ms |`,
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
