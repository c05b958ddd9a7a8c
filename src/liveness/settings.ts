/**
 * How the pipeline samples a video. Not decision thresholds (those are in
 * src/config/thresholds.ts) but they set accuracy and cost; docs/pipeline.md has the figures.
 */
export const PIPELINE = {
  /** Analysis frame rate: per-frame face mesh is the dominant cost. */
  fps: 20,
  /**
   * Face detector on every n-th analysed frame; the mesh follows its own box in between.
   * docs/pipeline.md has the cost and the lip-sync figures that set it.
   */
  keyframeEvery: 10,
  /** Long side of analysed frames: Human's detector and mesh work on 256/192 px crops anyway. */
  longSide: 480,
  /** Best frames kept for the face comparison and the returned photo. */
  keepBest: 3,
  /**
   * Frames spread over the clip that the presentation-attack models see, at least
   * padMinSpacingSec apart; docs/pipeline.md has the cost per frame and why this many.
   */
  padFrames: 8,
  padMinSpacingSec: 0.4,
  probeTimeoutMs: 10_000,
  decodeTimeoutMs: 60_000,
} as const;

/**
 * Seconds between the frames cropped for the presentation-attack models: PIPELINE.padFrames
 * over the clip. Without a duration (some WebM) every padMinSpacingSec, and the attack stage
 * keeps padFrames of them spread over the clip.
 */
export function padSpacing(durationSec: number | null): number {
  return Math.max(PIPELINE.padMinSpacingSec, (durationSec ?? 0) / PIPELINE.padFrames);
}
