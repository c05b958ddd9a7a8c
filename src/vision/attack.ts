import type { KeptFrame } from './track.js';
import { facePipeline } from './track.js';

export interface AttackScores {
  /** Human's antispoof model ("real" in [0, 1]) per best frame. */
  antispoof: number[];
  /** Human's liveness model ("live" in [0, 1]) per best frame; reported, not decided on. */
  live: number[];
}

/**
 * Runs Human's single-frame attack models on the best frames only: each frame is detected
 * afresh (as a keyframe) and the models see the largest face's mesh crop.
 */
export async function attackScores(best: KeptFrame[]): Promise<AttackScores> {
  const pipeline = await facePipeline();
  const antispoof: number[] = [];
  const live: number[] = [];
  for (const { frame } of best) {
    const { faces } = await pipeline.mesh(frame, await pipeline.detect(frame));
    const main = faces.reduce<(typeof faces)[number] | undefined>((m, f) => (!m || f.box[2] * f.box[3] > m.box[2] * m.box[3] ? f : m), undefined);
    if (!main) continue;
    const scores = await pipeline.attackScores(frame, main);
    antispoof.push(scores.real);
    live.push(scores.live);
  }
  return { antispoof, live };
}
