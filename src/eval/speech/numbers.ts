/** Rounding and shares as the speech evaluation reports them. */
export const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;
export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
export const share = (xs: number[], pass: (x: number) => boolean): number => (xs.length ? xs.filter(pass).length / xs.length : 0);
