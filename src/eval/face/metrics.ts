/** Verification metrics over genuine (same person) and impostor (different people) scores. */

export interface Distribution {
  n: number;
  min: number;
  p5: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
  sd: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function distribution(scores: number[]): Distribution {
  const s = [...scores].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, s.length - 1));
  return { n: s.length, min: s[0], p5: quantile(s, 0.05), median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1], mean, sd };
}

/**
 * The lowest threshold whose empirical false-accept rate (impostors scoring >= it) is at
 * most `far`, and the share of genuine scores that reach it. With n impostors the smallest
 * measurable rate is 1/n: asking for less returns the threshold just above the top impostor.
 */
export function tarAtFar(genuine: number[], impostor: number[], far: number): { threshold: number; tar: number; far: number } {
  const imp = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(far * imp.length);
  const threshold = allowed < imp.length ? nextUp(imp[allowed]) : Number.NEGATIVE_INFINITY;
  const accepted = genuine.filter((g) => g >= threshold).length;
  const falseAccepts = imp.filter((s) => s >= threshold).length;
  return { threshold, tar: accepted / Math.max(1, genuine.length), far: falseAccepts / Math.max(1, imp.length) };
}

function nextUp(x: number): number {
  return x + Math.max(1e-9, Math.abs(x) * 1e-9);
}

/** One-sided standard-normal quantile for the small tail probabilities used in calibration. */
export function normalUpperQuantile(p: number): number {
  // Acklam's rational approximation of the inverse normal CDF (|error| < 1.2e-9).
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(p, 1 - p);
  let z: number;
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    z = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  } else {
    const r = q - 0.5;
    const r2 = r * r;
    z = ((((((a[0] * r2 + a[1]) * r2 + a[2]) * r2 + a[3]) * r2 + a[4]) * r2 + a[5]) * r) / (((((b[0] * r2 + b[1]) * r2 + b[2]) * r2 + b[3]) * r2 + b[4]) * r2 + 1);
  }
  // z is the lower-tail quantile of q; the upper tail of p is its negation.
  return p < 0.5 ? -z : z;
}
