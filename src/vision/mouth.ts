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
/** Outer corners of the eyes: a face-size yardstick that does not move with the mouth. */
const EYE_CORNERS = [33, 263] as const;

const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

function innerGap(mesh: readonly Point[]): number {
  let gap = 0;
  for (const [u, l] of INNER_LIP_PAIRS) gap += dist(mesh[u], mesh[l]);
  return gap / INNER_LIP_PAIRS.length;
}

export function mouthOpening(mesh: readonly Point[]): number | null {
  if (mesh.length < 468) return null;
  const width = dist(mesh[MOUTH_CORNERS[0]], mesh[MOUTH_CORNERS[1]]);
  return width > 0 ? innerGap(mesh) / width : null;
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

/** Mouth geometry over the distance between the outer eye corners, for the per-digit shape tests. */
export interface MouthShape {
  /** Corner-to-corner width: narrower for rounded vowels (two, wu), wider for spread ones (three, qi). */
  width: number;
  /** Outer lip height: taller for open vowels (five, san). */
  height: number;
  /** Mean inner-lip gap: near 0 when the lips touch (b, p, m) or the lower lip meets the teeth (f, v). */
  gap: number;
}

export function mouthShape(mesh: readonly Point[]): MouthShape | null {
  if (mesh.length < 468) return null;
  const eyes = dist(mesh[EYE_CORNERS[0]], mesh[EYE_CORNERS[1]]);
  if (!(eyes > 0)) return null;
  return {
    width: dist(mesh[MOUTH_CORNERS[0]], mesh[MOUTH_CORNERS[1]]) / eyes,
    height: dist(mesh[OUTER_LIP[0]], mesh[OUTER_LIP[1]]) / eyes,
    gap: innerGap(mesh) / eyes,
  };
}
