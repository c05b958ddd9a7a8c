/**
 * What the model heard on the genuine readings it rejected, so the known weaknesses in the model
 * card name digits rather than voices: which expected digit was most often heard as something
 * else, as what, and how often a reading came out with digits dropped or added.
 */

export interface HeardReading {
  expected: string;
  /** Greedy reading of the same posteriors (heardDigits), any length. */
  heard: string;
  accepted: boolean;
}

export interface DigitConfusion {
  digit: number;
  /** Positions holding this digit in readings heard at the expected length. */
  positions: number;
  /** Of those, heard as another digit. */
  substituted: number;
  /** The digit it was most often heard as, with its count. */
  mostOftenAs: { digit: number; count: number } | null;
}

export interface Confusions {
  readings: number;
  rejected: number;
  /** Rejected readings heard with fewer digits than expected (dropped, or repeats merged). */
  fewer: number;
  /** Rejected readings heard with more digits than expected (a syllable split, or a filler heard as a digit). */
  more: number;
  /** Rejected readings heard at the right length with every digit right (the margin was too small). */
  rightButUnsure: number;
  digits: DigitConfusion[];
}

export function confusions(readings: readonly HeardReading[]): Confusions {
  const rejected = readings.filter((r) => !r.accepted);
  const counts = Array.from({ length: 10 }, () => ({ positions: 0, as: new Array<number>(10).fill(0) }));
  let fewer = 0;
  let more = 0;
  let rightButUnsure = 0;
  for (const r of readings) {
    if (r.heard.length !== r.expected.length) continue;
    for (let i = 0; i < r.expected.length; i++) {
      const e = Number(r.expected[i]);
      const h = Number(r.heard[i]);
      const c = counts[e];
      if (!c) continue;
      c.positions++;
      if (h !== e) c.as[h] = (c.as[h] ?? 0) + 1;
    }
  }
  for (const r of rejected) {
    if (r.heard.length < r.expected.length) fewer++;
    else if (r.heard.length > r.expected.length) more++;
    else if (r.heard === r.expected) rightButUnsure++;
  }
  return {
    readings: readings.length,
    rejected: rejected.length,
    fewer,
    more,
    rightButUnsure,
    digits: counts.map((c, digit) => {
      const substituted = c.as.reduce((a, b) => a + b, 0);
      const top = c.as.reduce((best, n, d) => (n > best.count ? { digit: d, count: n } : best), { digit: -1, count: 0 });
      return { digit, positions: c.positions, substituted, mostOftenAs: top.count > 0 ? top : null };
    }),
  };
}
