import type { FaceObservation } from './track.js';

/** Median luma change inside the face box between consecutive frames (0-1). */
export function faceChange(faces: ReadonlyArray<FaceObservation | null>): number | null {
  const v = faces.map((f) => f?.change ?? null).filter((c): c is number => c !== null).sort((a, b) => a - b);
  return v.length > 0 ? v[Math.floor(v.length / 2)] : null;
}
