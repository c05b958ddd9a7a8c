import { spreadIndices } from '../core/spread.js';
import { scorePadCrops, type PadFrameScore } from './pad-model.js';
import type { TrackResult } from './track.js';

export interface AttackScores {
  /** The Silent-Face models on each frame the tracker cropped (spread over the clip). */
  pad: PadFrameScore[];
}

/** Runs the presentation-attack models on up to maxFrames of the tracker's crops, spread over the clip. */
export async function attackScores(track: TrackResult, maxFrames: number): Promise<AttackScores> {
  return { pad: await scorePadCrops(spreadIndices(track.pad.length, maxFrames, 0.5).map((i) => track.pad[i])) };
}
