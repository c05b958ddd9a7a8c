import type { FaceObservation } from './track.js';

/**
 * Median frame-to-frame non-rigid landmark motion: consecutive meshes are aligned by the
 * best 2D similarity (translation, scale, rotation; Procrustes) and the RMS residual is taken
 * in units of the mesh's own size. A photo held in front of the camera moves rigidly, so
 * its residual is only detector jitter; a live face speaks, blinks and turns in 3D.
 */
export function landmarkMotion(faces: ReadonlyArray<FaceObservation | null>): number | null {
  const steps: number[] = [];
  for (let i = 1; i < faces.length; i++) {
    const a = faces[i - 1];
    const b = faces[i];
    if (!a || !b || a.mesh.length !== b.mesh.length) continue;
    const r = procrustesResidual(a.mesh, b.mesh);
    if (r !== null) steps.push(r);
  }
  if (steps.length === 0) return null;
  steps.sort((x, y) => x - y);
  return steps[Math.floor(steps.length / 2)];
}

function normalised(mesh: Float32Array): Float64Array | null {
  const n = mesh.length / 2;
  let cx = 0;
  let cy = 0;
  for (let k = 0; k < n; k++) {
    cx += mesh[2 * k];
    cy += mesh[2 * k + 1];
  }
  cx /= n;
  cy /= n;
  const out = new Float64Array(mesh.length);
  let ss = 0;
  for (let k = 0; k < n; k++) {
    out[2 * k] = mesh[2 * k] - cx;
    out[2 * k + 1] = mesh[2 * k + 1] - cy;
    ss += out[2 * k] ** 2 + out[2 * k + 1] ** 2;
  }
  const size = Math.sqrt(ss / n);
  if (!(size > 0)) return null;
  for (let k = 0; k < out.length; k++) out[k] /= size;
  return out;
}

export function procrustesResidual(meshA: Float32Array, meshB: Float32Array): number | null {
  const a = normalised(meshA);
  const b = normalised(meshB);
  if (!a || !b) return null;
  const n = a.length / 2;
  let dot = 0;
  let cross = 0;
  for (let k = 0; k < n; k++) {
    dot += a[2 * k] * b[2 * k] + a[2 * k + 1] * b[2 * k + 1];
    cross += a[2 * k] * b[2 * k + 1] - a[2 * k + 1] * b[2 * k];
  }
  const theta = Math.atan2(cross, dot);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const x = c * a[2 * k] - s * a[2 * k + 1];
    const y = s * a[2 * k] + c * a[2 * k + 1];
    ss += (x - b[2 * k]) ** 2 + (y - b[2 * k + 1]) ** 2;
  }
  return Math.sqrt(ss / n);
}
