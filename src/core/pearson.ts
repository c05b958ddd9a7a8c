/** Per-sample variance below which a signal counts as flat. */
const FLAT = 1e-12;

/**
 * Pearson correlation of a[i] with b[i + lag] over every i where both exist; 0 with fewer than 3
 * pairs or when either side is flat (a still mouth, digital silence correlates with nothing,
 * whatever rounding says).
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, lag: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
    sa += a[i];
    sb += b[i + lag];
    n++;
  }
  if (n < 3) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
    const x = a[i] - ma;
    const y = b[i + lag] - mb;
    cov += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > FLAT * n && vb > FLAT * n ? cov / Math.sqrt(va * vb) : 0;
}
