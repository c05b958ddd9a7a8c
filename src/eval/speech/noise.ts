import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../core/seeded-random.js';
import { decodeAudio } from '../../media/index.js';
import { SAMPLE_RATE } from '../../speech/tokens.js';

/** Backgrounds for the studies of readings in a room: steady noise and other people talking. */

/** Pink noise (Paul Kellet's filter on seeded white noise) at `rms`. */
export function pinkNoise(samples: number, rms: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const b = [0, 0, 0, 0, 0, 0, 0];
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const w = rand() * 2 - 1;
    b[0] = 0.99886 * b[0] + w * 0.0555179;
    b[1] = 0.99332 * b[1] + w * 0.0750759;
    b[2] = 0.969 * b[2] + w * 0.153852;
    b[3] = 0.8665 * b[3] + w * 0.3104856;
    b[4] = 0.55 * b[4] + w * 0.5329522;
    b[5] = -0.7616 * b[5] - w * 0.016898;
    out[i] = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
    b[6] = w * 0.115926;
  }
  return scaled(out, rms);
}

const rmsOf = (pcm: Float32Array): number => Math.sqrt(pcm.reduce((a, x) => a + x * x, 0) / Math.max(1, pcm.length));

/** `pcm` scaled to `rms`. */
export function scaled(pcm: Float32Array, rms: number): Float32Array {
  const have = rmsOf(pcm);
  return pcm.map((x) => (x * rms) / Math.max(1e-12, have));
}

/** RMS of the loud 20 ms frames (within 30 dB of the loudest): a reading's speech level. */
export function speechRms(pcm: Float32Array): number {
  const hop = Math.round(0.02 * SAMPLE_RATE);
  const powers: number[] = [];
  for (let i = 0; i + hop <= pcm.length; i += hop) {
    let e = 0;
    for (let k = i; k < i + hop; k++) e += pcm[k] * pcm[k];
    powers.push(e / hop);
  }
  const top = Math.max(...powers);
  const loud = powers.filter((p) => p >= top / 1000);
  return Math.sqrt(loud.reduce((a, p) => a + p, 0) / Math.max(1, loud.length));
}

/** The shared data's non-digit sentences (LibriSpeech, AISHELL-1), each at RMS 0.1: other people talking. */
export async function otherTalkers(data: string): Promise<Float32Array[]> {
  const talkers: Float32Array[] = [];
  for (const sub of ['english', 'mandarin']) {
    const dir = join(data, 'speech', sub);
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir).filter((f) => f.endsWith('.wav')).sort()) talkers.push(scaled(await decodeAudio(join(dir, n), { maxDurationSec: 60, timeoutMs: 60_000 }), 0.1));
  }
  return talkers;
}

/** The talkers, each looped from its own random point, summed, `samples` long. */
export function babble(talkers: Float32Array[], samples: number, rand: () => number): Float32Array {
  const out = new Float32Array(samples);
  for (const t of talkers) {
    const offset = Math.floor(rand() * t.length);
    for (let i = 0; i < samples; i++) out[i] += t[(offset + i) % t.length];
  }
  return out;
}
