import { verifyDigits } from './verify.js';

/** Enough runs for V8 to optimise the second reading's loops (the first three took 280, 160 and 80 ms, then 55-60). */
const RUNS = 4;
const SECONDS = 5;
const SAMPLE_RATE = 16000;

/**
 * Loads the digit model and the Mandarin second reading and runs them on a made-up 5 s
 * recording, so that neither the loading nor V8's compilation of their loops falls on the first
 * requests a thread serves. The recording is a buzz with a syllable-like rhythm: the digit model
 * does not accept it (threshold +Infinity makes sure), so both readings run every time.
 */
export async function warmUpSpeech(): Promise<void> {
  const pcm = Float32Array.from({ length: SECONDS * SAMPLE_RATE }, (_, i) => {
    const t = i / SAMPLE_RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 3 * t));
    return 0.2 * syllable * (Math.sin(2 * Math.PI * 180 * t) + 0.5 * Math.sin(2 * Math.PI * 720 * t) + 0.3 * Math.sin(2 * Math.PI * 1500 * t));
  });
  for (let run = 0; run < RUNS; run++) await verifyDigits(pcm, '0000', { minMargin: Infinity, minMarginMandarin: Infinity, hmmMinFit: -Infinity, hmmMinMargin: -Infinity, hmmMinDigitSec: 0, hmmMaxWarp: 1 });
}
