/** The detection confidences a face needs before it is used (thresholds section `compare`). */
export interface FaceGate {
  minMeshScore: number;
  retryMinDetectorScore: number;
}

/**
 * Is this detection a face to use? Below `minMeshScore` the mesh is fitting clutter (document
 * fields, pixelated portraits), not a face. A fallback pass (the picture with a border, a tile
 * of it) looks at more clutter, so there the detector must also reach `retryMinDetectorScore`.
 */
export function passesFaceGate(face: { faceScore: number; boxScore: number }, gate: FaceGate, fallback: boolean): boolean {
  return face.faceScore >= gate.minMeshScore && (!fallback || face.boxScore >= gate.retryMinDetectorScore);
}
