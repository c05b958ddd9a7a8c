import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import type { CheckName } from '../core/inference.js';
import { CHECK_NAMES, type AttackType, type CaseResult, type CheckOutcome, type PictureResult, type PictureSet } from './types.js';

/**
 * ISO/IEC 30107-3 figures. APCER: share of attack presentations of one type accepted as bona
 * fide; BPCER: share of bona fide presentations rejected. Every figure carries its count and
 * an exact (Clopper-Pearson) 95% interval: with the handful of real clips we have, the
 * interval, not the point estimate, is the honest answer.
 */

export interface Proportion {
  /** Cases counted (errors for APCER/BPCER, passes for pass rates). */
  k: number;
  n: number;
  /** k / n, null when n is 0. */
  rate: number | null;
  /** Clopper-Pearson 95% interval, null when n is 0. */
  ci95: [number, number] | null;
}

/** Exact binomial interval from beta quantiles; conservative, and defined at k = 0 and k = n. */
export function clopperPearson(k: number, n: number, confidence = 0.95): [number, number] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n) {
    throw new RangeError(`clopperPearson needs integers 0 <= k <= n, n > 0 (got k=${k}, n=${n})`);
  }
  const tail = (1 - confidence) / 2;
  const lo = k === 0 ? 0 : betaQuantile(tail, k, n - k + 1);
  const hi = k === n ? 1 : betaQuantile(1 - tail, k + 1, n - k);
  return [lo, hi];
}

export function proportion(k: number, n: number): Proportion {
  if (n === 0) return { k, n, rate: null, ci95: null };
  return { k, n, rate: k / n, ci95: clopperPearson(k, n) };
}

/** A case is accepted as bona fide when every check that judges it passed (a crash accepts nothing). */
export function accepted(r: CaseResult): boolean {
  if (r.error) return false;
  return r.judgedBy.every((name) => r.checks.find((c) => c.name === name)?.passed === true);
}

export type Direction = 'higher-is-live' | 'lower-is-live';

export interface CurvePoint {
  threshold: number;
  apcer: number;
  bpcer: number;
}

export interface CheckSummary {
  /** Inferred from the pipeline's own (score, threshold, passed) triples; null without any. */
  direction: Direction | null;
  /** The threshold the pipeline reported most often (its configured value). */
  threshold: number | null;
  /** Share of cases in each group ('genuine' or an attack type) where this check passed. */
  passRate: Record<string, Proportion>;
  /** Scores used by the curve: genuine cases it judges, and attack cases it is designed to catch. */
  scores: { genuine: number[]; attack: number[] };
  curve: CurvePoint[];
  /** Point of the curve where APCER and BPCER are closest (equal-error estimate). */
  eer: CurvePoint | null;
  /** Cases where this check gave no verdict (it could not run), and one of its messages. */
  noVerdict: { cases: number; of: number; example: string | null };
}

export interface Metrics {
  bpcer: Proportion;
  apcer: Partial<Record<AttackType, Proportion>>;
  /** The worst attack type (ISO/IEC 30107-3 reports the maximum APCER over species). */
  apcerMax: { attack: AttackType; value: Proportion } | null;
  checks: Record<CheckName, CheckSummary>;
  picture: {
    bpcer: Proportion;
    bpcerBySet: Partial<Record<PictureSet, Proportion>>;
    apcer: Partial<Record<AttackType, Proportion>>;
    /** Grey copies of colour photos, apart from the figures above: how many of each kind scored live. */
    greyscale: { bonaFideLive: Proportion; attackLive: Proportion };
    threshold: number | null;
  };
  counts: { genuine: number; attack: number; errors: number };
}

function groupOf(r: { kind: 'genuine' | 'attack'; attack?: AttackType }): string {
  return r.kind === 'genuine' ? 'genuine' : (r.attack ?? 'attack');
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

export function inferDirection(outcomes: CheckOutcome[]): Direction | null {
  let higher = 0;
  let lower = 0;
  for (const o of outcomes) {
    if (o.score === null || o.threshold === null || o.passed === null) continue;
    // Ties at the threshold say nothing about the direction.
    if (o.score === o.threshold) continue;
    if (o.passed === o.score > o.threshold) higher++;
    else lower++;
  }
  if (higher === 0 && lower === 0) return null;
  return higher >= lower ? 'higher-is-live' : 'lower-is-live';
}

function mostCommon(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Whether a score is accepted at threshold t, the same rule the curve and the pass rates use. */
export function acceptsAt(score: number, t: number, direction: Direction): boolean {
  return direction === 'higher-is-live' ? score >= t : score <= t;
}

/**
 * Error rates at every observed score used as the threshold, plus one point beyond the
 * extreme so the curve reaches "reject everything".
 */
export function sweep(genuine: number[], attack: number[], direction: Direction): CurvePoint[] {
  const all = [...new Set([...genuine, ...attack])].sort((a, b) => a - b);
  if (all.length === 0) return [];
  const span = all[all.length - 1] - all[0] || Math.abs(all[0]) || 1;
  const beyond = direction === 'higher-is-live' ? all[all.length - 1] + span * 0.01 : all[0] - span * 0.01;
  const candidates = direction === 'higher-is-live' ? [...all, beyond] : [beyond, ...all];
  return candidates.map((t) => ({
    threshold: t,
    apcer: attack.length ? attack.filter((s) => acceptsAt(s, t, direction)).length / attack.length : 0,
    bpcer: genuine.length ? genuine.filter((s) => !acceptsAt(s, t, direction)).length / genuine.length : 0,
  }));
}

export function equalErrorPoint(curve: CurvePoint[]): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const p of curve) {
    if (!best || Math.abs(p.apcer - p.bpcer) < Math.abs(best.apcer - best.bpcer)) best = p;
  }
  return best;
}

function summarizeCheck(name: CheckName, results: CaseResult[]): CheckSummary {
  const outcomeOf = (r: CaseResult): CheckOutcome | undefined => r.checks.find((c) => c.name === name);
  const outcomes = results.map(outcomeOf).filter((o): o is CheckOutcome => o !== undefined);
  const direction = inferDirection(outcomes);
  const threshold = mostCommon(outcomes.map((o) => o.threshold).filter((t): t is number => t !== null));
  const passRate: Record<string, Proportion> = {};
  for (const [group, members] of groupBy(results, groupOf)) {
    passRate[group] = proportion(members.filter((r) => outcomeOf(r)?.passed === true).length, members.length);
  }
  const scoreOf = (r: CaseResult): number | null => outcomeOf(r)?.score ?? null;
  // Only genuine cases this check judges: a digits score of a clip that reads no challenge is no bona fide score.
  const genuine = results
    .filter((r) => r.kind === 'genuine' && r.judgedBy.includes(name))
    .map(scoreOf)
    .filter((s): s is number => s !== null);
  const attack = results
    .filter((r) => r.kind === 'attack' && r.targets.includes(name))
    .map(scoreOf)
    .filter((s): s is number => s !== null);
  const curve = direction && genuine.length > 0 ? sweep(genuine, attack, direction) : [];
  const silent = results.filter((r) => !r.error && (outcomeOf(r)?.passed ?? null) === null);
  const noVerdict = { cases: silent.length, of: results.filter((r) => !r.error).length, example: silent.map(outcomeOf).find((o) => o?.message)?.message ?? null };
  return { direction, threshold, passRate, scores: { genuine, attack }, curve, eer: equalErrorPoint(curve), noVerdict };
}

export function computeMetrics(results: CaseResult[], pictures: PictureResult[] = []): Metrics {
  const genuine = results.filter((r) => r.kind === 'genuine');
  const attacks = results.filter((r) => r.kind === 'attack');
  const apcer: Partial<Record<AttackType, Proportion>> = {};
  for (const [group, members] of groupBy(attacks, groupOf)) {
    apcer[group as AttackType] = proportion(members.filter(accepted).length, members.length);
  }
  let apcerMax: Metrics['apcerMax'] = null;
  for (const [attack, value] of Object.entries(apcer) as [AttackType, Proportion][]) {
    if (value.rate !== null && (!apcerMax || value.rate > (apcerMax.value.rate ?? -1))) apcerMax = { attack, value };
  }
  const checks = Object.fromEntries(CHECK_NAMES.map((name) => [name, summarizeCheck(name, results)])) as Record<
    CheckName,
    CheckSummary
  >;
  return {
    bpcer: proportion(genuine.filter((r) => !accepted(r)).length, genuine.length),
    apcer,
    apcerMax,
    checks,
    picture: summarizePictures(pictures),
    counts: { genuine: genuine.length, attack: attacks.length, errors: results.filter((r) => r.error).length },
  };
}

/** livedetectpicture: live when the score is above the threshold (SPEC: "above 87 = live"). */
function summarizePictures(all: PictureResult[]): Metrics['picture'] {
  const live = (p: PictureResult): boolean => p.score !== null && p.score > p.threshold;
  const pictures = all.filter((p) => !p.greyscale);
  const grey = all.filter((p) => p.greyscale);
  const liveShare = (set: PictureResult[]): Proportion => proportion(set.filter(live).length, set.length);
  const bonaFide = pictures.filter((p) => p.kind === 'genuine');
  const apcer: Partial<Record<AttackType, Proportion>> = {};
  for (const [group, members] of groupBy(
    pictures.filter((p) => p.kind === 'attack'),
    groupOf,
  )) {
    apcer[group as AttackType] = proportion(members.filter(live).length, members.length);
  }
  const bpcerBySet: Partial<Record<PictureSet, Proportion>> = {};
  for (const [set, members] of groupBy(bonaFide, (p) => p.set ?? 'other')) {
    bpcerBySet[set as PictureSet] = proportion(members.filter((p) => !live(p)).length, members.length);
  }
  return {
    bpcer: proportion(bonaFide.filter((p) => !live(p)).length, bonaFide.length),
    bpcerBySet,
    apcer,
    greyscale: { bonaFideLive: liveShare(grey.filter((p) => p.kind === 'genuine')), attackLive: liveShare(grey.filter((p) => p.kind === 'attack')) },
    threshold: all[0]?.threshold ?? null,
  };
}
