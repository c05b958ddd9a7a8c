import { rm, writeFile } from 'node:fs/promises';
import { encodeWav, SAMPLE_RATE } from '../../media/index.js';
import type { DigitReading } from './digit-reading.js';
import { ffmpeg, input, MP4_OUT } from './ffmpeg.js';

/**
 * Dubbed digits: a face that is talking (saying other words) with the four challenge digits
 * read by another voice as its sound track, the attack the digit challenge exists to stop.
 */
export async function dubbedDigits(opts: { face: string; reading: DigitReading; out: string }): Promise<string> {
  const wav = `${opts.out}.wav`;
  await writeFile(wav, encodeWav(opts.reading.pcm, SAMPLE_RATE));
  try {
    const durationSec = opts.reading.pcm.length / SAMPLE_RATE;
    await ffmpeg([...input(opts.face), ...input(wav), '-map', '0:v', '-map', '1:a', '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out]);
  } finally {
    await rm(wav, { force: true });
  }
  return opts.out;
}
