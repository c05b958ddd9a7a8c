import type { CurvePoint } from './metrics.js';

/**
 * The two plots of the report as plain SVG text: a dot plot of scores per group and an
 * error-rate curve. Both are a few dozen lines of markup, which a browser, GitHub and any
 * Markdown viewer render; a charting library would add a DOM or canvas dependency for that.
 */

const WIDTH = 640;
const MARGIN = { left: 210, right: 20, top: 44, bottom: 44 };
const COLORS = { genuine: '#1b7837', attack: '#b2182b', threshold: '#444', apcer: '#b2182b', bpcer: '#2166ac' };

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function domain(values: number[], extra: (number | null)[]): [number, number] {
  const all = [...values, ...extra.filter((v): v is number => v !== null)];
  if (all.length === 0) return [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

function frame(height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function xAxis(lo: number, hi: number, x: (v: number) => number, y: number, label: string): string[] {
  const out = [`<line x1="${MARGIN.left}" y1="${y}" x2="${WIDTH - MARGIN.right}" y2="${y}" stroke="#000"/>`];
  for (const t of ticks(lo, hi)) {
    out.push(`<line x1="${x(t)}" y1="${y}" x2="${x(t)}" y2="${y + 4}" stroke="#000"/>`);
    out.push(`<text x="${x(t)}" y="${y + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${y + 34}" text-anchor="middle">${escapeXml(label)}</text>`);
  return out;
}

function thresholdLine(t: number | null, x: (v: number) => number, top: number, bottom: number): string[] {
  if (t === null) return [];
  return [
    `<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${bottom}" stroke="${COLORS.threshold}" stroke-dasharray="4 3"/>`,
    `<text x="${x(t) + 3}" y="${top + 10}" fill="${COLORS.threshold}">threshold ${fmt(t)}</text>`,
  ];
}

export interface ScoreGroup {
  label: string;
  kind: 'genuine' | 'attack';
  values: number[];
}

/** One row of dots per group; rows share the score axis so overlap between groups is visible. */
export function scorePlot(opts: { title: string; xLabel: string; groups: ScoreGroup[]; threshold: number | null }): string {
  const rowH = 22;
  const height = MARGIN.top + MARGIN.bottom + rowH * Math.max(1, opts.groups.length) + 8;
  const [lo, hi] = domain(opts.groups.flatMap((g) => g.values), [opts.threshold]);
  const x = (v: number): number => Number((MARGIN.left + ((v - lo) / (hi - lo)) * (WIDTH - MARGIN.left - MARGIN.right)).toFixed(2));
  const axisY = height - MARGIN.bottom;
  const body: string[] = [];
  opts.groups.forEach((g, row) => {
    const cy = MARGIN.top + rowH * row + rowH / 2;
    body.push(`<text x="${MARGIN.left - 8}" y="${cy + 4}" text-anchor="end">${escapeXml(`${g.label} (n=${g.values.length})`)}</text>`);
    body.push(`<line x1="${MARGIN.left}" y1="${cy}" x2="${WIDTH - MARGIN.right}" y2="${cy}" stroke="#eee"/>`);
    g.values.forEach((v, i) => {
      // Deterministic vertical spread so equal scores stay countable.
      const jitter = ((i * 7) % 9) - 4;
      body.push(
        `<circle cx="${x(v)}" cy="${cy + jitter}" r="3.5" fill="${COLORS[g.kind]}" fill-opacity="0.6"><title>${escapeXml(`${g.label}: ${fmt(v)}`)}</title></circle>`,
      );
    });
  });
  body.push(...thresholdLine(opts.threshold, x, MARGIN.top - 6, axisY));
  body.push(...xAxis(lo, hi, x, axisY, opts.xLabel));
  return frame(height, opts.title, body);
}

/** APCER and BPCER as step functions of the threshold, with the configured threshold marked. */
export function errorCurvePlot(opts: { title: string; xLabel: string; curve: CurvePoint[]; threshold: number | null }): string {
  const height = 300;
  const [lo, hi] = domain(
    opts.curve.map((p) => p.threshold),
    [opts.threshold],
  );
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const plotH = plotBottom - MARGIN.top;
  const x = (v: number): number => Number((MARGIN.left + ((v - lo) / (hi - lo)) * plotW).toFixed(2));
  const y = (rate: number): number => Number((plotBottom - rate * plotH).toFixed(2));
  const steps = (key: 'apcer' | 'bpcer'): string => {
    const pts: string[] = [];
    opts.curve.forEach((p, i) => {
      if (i > 0) pts.push(`${x(p.threshold)},${y(opts.curve[i - 1][key])}`);
      pts.push(`${x(p.threshold)},${y(p[key])}`);
    });
    return pts.join(' ');
  };
  const body: string[] = [];
  for (const r of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(`<line x1="${MARGIN.left}" y1="${y(r)}" x2="${WIDTH - MARGIN.right}" y2="${y(r)}" stroke="#eee"/>`);
    body.push(`<text x="${MARGIN.left - 8}" y="${y(r) + 4}" text-anchor="end">${r * 100}%</text>`);
  }
  if (opts.curve.length > 0) {
    body.push(`<polyline points="${steps('apcer')}" fill="none" stroke="${COLORS.apcer}" stroke-width="2"/>`);
    body.push(`<polyline points="${steps('bpcer')}" fill="none" stroke="${COLORS.bpcer}" stroke-width="2" stroke-dasharray="6 3"/>`);
  } else {
    body.push(`<text x="${WIDTH / 2}" y="${height / 2}" text-anchor="middle">no scores to sweep</text>`);
  }
  body.push(`<text x="${WIDTH - MARGIN.right}" y="${MARGIN.top - 12}" text-anchor="end"><tspan fill="${COLORS.apcer}">APCER (solid)</tspan>  <tspan fill="${COLORS.bpcer}">BPCER (dashed)</tspan></text>`);
  body.push(...thresholdLine(opts.threshold, x, MARGIN.top, plotBottom));
  body.push(...xAxis(lo, hi, x, plotBottom, opts.xLabel));
  return frame(height, opts.title, body);
}
