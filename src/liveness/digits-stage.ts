/**
 * The digit recognition stage plugs in through one function exported by src/speech (written
 * separately). It is loaded lazily so that a missing or broken speech stage makes the digits
 * check report "could not run" (liveness -5011) instead of taking the whole pipeline down.
 */

export interface DigitVerdict {
  accepted: boolean;
  score: number;
  threshold: number;
  recognized: string;
  language: 'zh' | 'en' | 'unknown';
  perDigit: number[];
}

export type VerifyDigits = (pcm: Float32Array, expected: string) => Promise<DigitVerdict>;

// A variable specifier keeps the build independent of whether src/speech exists yet.
const SPEECH_MODULE = '../speech/index.js';

let loaded: Promise<VerifyDigits> | undefined;

function load(): Promise<VerifyDigits> {
  loaded ??= (import(SPEECH_MODULE) as Promise<{ verifyDigits?: unknown }>).then((mod) => {
    if (typeof mod.verifyDigits !== 'function') throw new Error('src/speech does not export verifyDigits');
    return mod.verifyDigits as VerifyDigits;
  });
  return loaded;
}

export async function runDigits(pcm: Float32Array, expected: string): Promise<{ verdict: DigitVerdict } | { error: string }> {
  try {
    const verifyDigits = await load();
    return { verdict: await verifyDigits(pcm, expected) };
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}
