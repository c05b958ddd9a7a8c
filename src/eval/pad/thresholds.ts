/**
 * How the presentation check's frame scores are best fused and where its threshold should be,
 * from the per-frame scores an evaluation run kept (metrics.json of `livecheck eval`, or the
 * output of scores.ts, which runs the presentation check alone):
 *   node --import tsx src/eval/pad/thresholds.ts --metrics DIR/metrics.json [--fixed 0.5] [--out FILE.md]
 *
 * For each fusion rule it chooses the threshold by leave-one-clip-out: every case built from a
 * held-out clip (its genuine video and every attack made from it) is judged with a threshold
 * chosen on the other clips only, so no case is judged by a threshold its own clip helped set.
 * The rule that chooses: the highest threshold that still passes every training-fold genuine
 * clip with a relative margin (MARGIN below the lowest of them). Attacks play no part in the
 * choice, so the simulator's look cannot pull the threshold towards itself; they are only
 * counted. A case is accepted when its fused score reaches the threshold and its face changes
 * (the check's other rule, minFaceChange as recorded in the case). Real spoof photos (no clip of their own) are always judged with the threshold
 * chosen on all clips, and reported apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { proportion, type Proportion } from '../metrics.js';
import { pct, table } from '../report.js';
import type { AttackType, CaseResult } from '../types.js';

/** The threshold sits this fraction below the lowest training-fold genuine score. */
export const MARGIN = 0.1;

export type Fusion = 'mean' | 'median' | 'min' | 'lower-quartile' | 'mean-logit';

const logit = (p: number): number => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function fuse(frames: number[], how: Fusion): number {
  const s = [...frames].sort((a, b) => a - b);
  const q = (f: number): number => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  switch (how) {
    case 'mean':
      return s.reduce((a, b) => a + b, 0) / s.length;
    case 'median':
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    case 'min':
      return s[0];
    case 'lower-quartile':
      return q(0.25);
    case 'mean-logit':
      return sigmoid(s.reduce((a, x) => a + logit(x), 0) / s.length);
  }
}

/** The threshold rule: MARGIN below the lowest genuine fused score. */
export const chooseThreshold = (genuine: number[]): number => Math.min(...genuine) * (1 - MARGIN);

interface Scored {
  id: string;
  kind: 'genuine' | 'attack';
  attack?: AttackType;
  clip: string | null;
  frames: number[];
  /** The check's other rule: a face that does not change fails whatever the models say. */
  still: boolean;
}

function scored(results: CaseResult[]): Scored[] {
  const out: Scored[] = [];
  for (const r of results) {
    const extra = r.checks.find((c) => c.name === 'presentation')?.extra;
    const frames = (extra?.frames as Array<{ live: number }> | undefined)?.map((f) => f.live);
    if (!frames?.length) continue;
    const clip = r.sources.find((s) => s.startsWith('video/')) ?? null;
    const change = extra?.faceChange as number | null | undefined;
    const still = typeof change === 'number' && change < (extra?.minFaceChange as number);
    out.push({ id: r.id, kind: r.kind, attack: r.attack, clip: r.attack?.startsWith('real-') ? null : clip, frames, still });
  }
  return out;
}

export interface FusionResult {
  fusion: Fusion;
  /** Threshold chosen on all clips. */
  threshold: number;
  genuineMin: number;
  /** Leave-one-clip-out: bona fide rejected, and per attack type accepted. */
  loco: { bpcer: Proportion; apcer: Partial<Record<AttackType, Proportion>>; thresholds: { min: number; max: number } };
  /** Real spoof photos judged with `threshold`. */
  realPhotos: Partial<Record<AttackType, Proportion>>;
  /** Every case judged with a fixed threshold chosen without looking at the data. */
  fixed: { threshold: number; bpcer: Proportion; apcer: Partial<Record<AttackType, Proportion>> };
}

/** The presentation check's verdict at threshold t: the fused live probability and the face-change rule. */
const passes = (c: Scored, score: Map<string, number>, t: number): boolean => !c.still && (score.get(c.id) as number) >= t;

/** Share of each attack type (and of genuine cases) on the wrong side of a fixed threshold. */
function judgeFixed(cases: Scored[], score: Map<string, number>, threshold: number): FusionResult['fixed'] {
  const genuine = cases.filter((c) => c.kind === 'genuine');
  const apcer: Partial<Record<AttackType, Proportion>> = {};
  for (const c of cases.filter((x) => x.kind === 'attack' && x.attack)) {
    const prev = apcer[c.attack as AttackType] ?? proportion(0, 0);
    apcer[c.attack as AttackType] = proportion(prev.k + (passes(c, score, threshold) ? 1 : 0), prev.n + 1);
  }
  return { threshold, bpcer: proportion(genuine.filter((c) => !passes(c, score, threshold)).length, genuine.length), apcer };
}

export function analyse(results: CaseResult[], fusions: Fusion[], fixedThreshold: number): FusionResult[] {
  const cases = scored(results);
  const clips = [...new Set(cases.filter((c) => c.kind === 'genuine').map((c) => c.clip))].filter((c): c is string => c !== null);
  return fusions.map((fusion) => {
    const score = new Map(cases.map((c) => [c.id, fuse(c.frames, fusion)]));
    const genuineOf = (keep: (c: Scored) => boolean): number[] => cases.filter((c) => c.kind === 'genuine' && keep(c)).map((c) => score.get(c.id) as number);
    const threshold = chooseThreshold(genuineOf(() => true));
    let rejected = 0;
    let genuine = 0;
    const accepted = new Map<AttackType, [number, number]>();
    const chosen: number[] = [];
    for (const held of clips) {
      const t = chooseThreshold(genuineOf((c) => c.clip !== held));
      chosen.push(t);
      for (const c of cases.filter((x) => x.clip === held)) {
        const pass = passes(c, score, t);
        if (c.kind === 'genuine') {
          genuine++;
          if (!pass) rejected++;
        } else if (c.attack) {
          const [k, n] = accepted.get(c.attack) ?? [0, 0];
          accepted.set(c.attack, [k + (pass ? 1 : 0), n + 1]);
        }
      }
    }
    const realPhotos: Partial<Record<AttackType, Proportion>> = {};
    for (const c of cases.filter((x) => x.clip === null && x.attack)) {
      const prev = realPhotos[c.attack as AttackType] ?? proportion(0, 0);
      realPhotos[c.attack as AttackType] = proportion(prev.k + (passes(c, score, threshold) ? 1 : 0), prev.n + 1);
    }
    return {
      fusion,
      threshold,
      genuineMin: Math.min(...genuineOf(() => true)),
      loco: {
        bpcer: proportion(rejected, genuine),
        apcer: Object.fromEntries([...accepted].map(([t, [k, n]]) => [t, proportion(k, n)])),
        thresholds: { min: Math.min(...chosen), max: Math.max(...chosen) },
      },
      realPhotos,
      fixed: judgeFixed(cases, score, fixedThreshold),
    };
  });
}

function render(rs: FusionResult[]): string {
  const types = [...new Set(rs.flatMap((r) => Object.keys(r.loco.apcer)))].sort() as AttackType[];
  const real = [...new Set(rs.flatMap((r) => Object.keys(r.realPhotos)))].sort() as AttackType[];
  const head = ['fusion', 'lowest genuine', 'threshold (all clips)', 'LOCO thresholds', 'LOCO BPCER', ...types.map((t) => `LOCO APCER ${t}`), ...real.map((t) => `${t} accepted`)];
  const rows = rs.map((r) => [
    r.fusion,
    r.genuineMin.toFixed(3),
    r.threshold.toFixed(3),
    `${r.loco.thresholds.min.toFixed(3)}-${r.loco.thresholds.max.toFixed(3)}`,
    pct(r.loco.bpcer),
    ...types.map((t) => (r.loco.apcer[t] ? pct(r.loco.apcer[t] as Proportion) : 'n/a')),
    ...real.map((t) => (r.realPhotos[t] ? pct(r.realPhotos[t] as Proportion) : 'n/a')),
  ]);
  const fixedTypes = [...new Set(rs.flatMap((r) => Object.keys(r.fixed.apcer)))].sort() as AttackType[];
  const fixedHead = ['fusion', 'threshold', 'BPCER', ...fixedTypes.map((t) => `APCER ${t}`)];
  const fixedRows = rs.map((r) => [r.fusion, String(r.fixed.threshold), pct(r.fixed.bpcer), ...fixedTypes.map((t) => pct(r.fixed.apcer[t] as Proportion))]);
  return [
    `Leave-one-clip-out, threshold ${MARGIN * 100}% below the lowest training-fold genuine clip:`,
    '',
    table(head, rows),
    '',
    'Fixed threshold (presentation check alone, every case):',
    '',
    table(fixedHead, fixedRows),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const file = opt('--metrics');
  if (!file) {
    console.error('usage: thresholds.ts --metrics DIR/metrics.json [--out FILE.md]');
    process.exitCode = 2;
    return;
  }
  const report = JSON.parse(await readFile(file, 'utf8')) as { results: CaseResult[] };
  const md = render(analyse(report.results, ['mean', 'median', 'lower-quartile', 'min', 'mean-logit'], Number(opt('--fixed') ?? 0.5)));
  const out = opt('--out');
  if (out) await writeFile(out, md + '\n');
  console.log(md);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
