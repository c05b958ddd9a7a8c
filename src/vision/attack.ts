import { scorePadCrops, type PadFrameScore } from './pad-model.js';
import type { TrackResult } from './track.js';

export interface AttackScores {
  /** The Silent-Face models on each frame the tracker cropped (spread over the clip). */
  pad: PadFrameScore[];
}

/** Indices of n items spread evenly over a list of length len (all of them when n >= len). */
function spread(len: number, n: number): number[] {
  if (n >= len) return Array.from({ length: len }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * len) / n));
}

/** Runs the presentation-attack models on up to maxFrames of the tracker's crops, spread over the clip. */
export async function attackScores(track: TrackResult, maxFrames: number): Promise<AttackScores> {
  return { pad: await scorePadCrops(spread(track.pad.length, maxFrames).map((i) => track.pad[i])) };
}
