import type { FaceTemplate } from '../core/inference.js';

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** The two calibration points of the sim scale (thresholds.ts, section `compare`). */
export interface SimAnchors {
  cosineAtSim70: number;
  cosineAtSim80: number;
}

/**
 * Maps a cosine similarity onto the legacy 0-100 `sim` scale: linear through the two
 * calibration anchors (cosine at about 1/1000 false accepts -> 70, at about 1/10000 -> 80),
 * clamped to 0-100. Between the anchors and above them the scale keeps the same slope, so a
 * client's own threshold moves smoothly.
 */
export function simFromCosine(c: number, anchors: SimAnchors): number {
  const sim = 70 + (10 * (c - anchors.cosineAtSim70)) / (anchors.cosineAtSim80 - anchors.cosineAtSim70);
  return Math.min(100, Math.max(0, sim));
}

/** Templates from different models, or of different length, are not comparable. */
export function similarityFromTemplates(a: FaceTemplate, b: FaceTemplate, anchors: SimAnchors): number {
  if (a.model !== b.model || a.embedding.length !== b.embedding.length || a.embedding.length === 0) {
    throw new TemplateMismatchError(a.model, b.model);
  }
  return simFromCosine(cosine(a.embedding, b.embedding), anchors);
}

export class TemplateMismatchError extends Error {
  constructor(a: string, b: string) {
    super(`face templates are not comparable (${a} vs ${b}): re-enrol the identity`);
  }
}
