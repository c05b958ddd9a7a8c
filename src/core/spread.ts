/**
 * Indices of n items spread evenly over a list of length len (all of them when n >= len).
 * Phase 0 starts at the first item; 0.5 takes the middle of each item's share of the list.
 */
export function spreadIndices(len: number, n: number, phase = 0): number[] {
  if (n >= len) return Array.from({ length: len }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor(((i + phase) * len) / n));
}
