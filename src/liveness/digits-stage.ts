import { verifyDigits, type DigitConfig, type DigitVerdict } from '../speech/index.js';

/**
 * The digit recognition stage (src/speech) behind one call. A speech stage that throws (no
 * model file, bad input) makes the digits check report "could not run", which fails liveness
 * with -5011, instead of taking the whole verification down.
 */

export type { DigitVerdict };

export async function runDigits(pcm: Float32Array, expected: string, th: DigitConfig): Promise<{ verdict: DigitVerdict } | { error: string }> {
  try {
    return { verdict: await verifyDigits(pcm, expected, th) };
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}
