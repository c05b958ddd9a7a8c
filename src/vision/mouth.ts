/**
 * Mouth opening from the 468-point MediaPipe face mesh: mean gap between three pairs of
 * inner-lip points, divided by the distance between the outer mouth corners so that the
 * value does not depend on the face's size in the picture.
 */

type Point = { readonly 0: number; readonly 1: number };

const INNER_LIP_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [82, 87],
  [13, 14],
  [312, 317],
];
const MOUTH_CORNERS = [61, 291] as const;
/** Middle of the upper and lower lip's outer edge. */
const OUTER_LIP = [0, 17] as const;

const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

export function mouthOpening(mesh: readonly Point[]): number | null {
  if (mesh.length < 468) return null;
  const width = dist(mesh[MOUTH_CORNERS[0]], mesh[MOUTH_CORNERS[1]]);
  if (!(width > 0)) return null;
  let gap = 0;
  for (const [u, l] of INNER_LIP_PAIRS) gap += dist(mesh[u], mesh[l]);
  return gap / INNER_LIP_PAIRS.length / width;
}

/**
 * Outer lip height over mouth width: follows the jaw and lips together and is steadier from
 * frame to frame than the inner gap, so lip-sync uses it (docs/pipeline.md has the comparison).
 */
export function lipHeight(mesh: readonly Point[]): number | null {
  if (mesh.length < 468) return null;
  const width = dist(mesh[MOUTH_CORNERS[0]], mesh[MOUTH_CORNERS[1]]);
  return width > 0 ? dist(mesh[OUTER_LIP[0]], mesh[OUTER_LIP[1]]) / width : null;
}
