import type { KeptFrame } from './track.js';
import { detectFaces } from './track.js';

export interface AttackScores {
  /** Human's antispoof model ("real" in [0, 1]) per best frame. */
  antispoof: number[];
  /** Human's liveness model ("live" in [0, 1]) per best frame; reported, not decided on. */
  live: number[];
}

/** Runs Human's single-frame attack models on the best frames only (they cost a full pass each). */
export async function attackScores(best: KeptFrame[]): Promise<AttackScores> {
  const antispoof: number[] = [];
  const live: number[] = [];
  for (const { frame } of best) {
    const faces = await detectFaces(frame, 'attack');
    const main = faces.reduce<(typeof faces)[number] | undefined>((m, f) => (!m || f.box[2] * f.box[3] > m.box[2] * m.box[3] ? f : m), undefined);
    if (main?.real !== undefined) antispoof.push(main.real);
    if (main?.live !== undefined) live.push(main.live);
  }
  return { antispoof, live };
}
