import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bestDigitString, mergeLanguages } from './ctc.js';
import { seededRandom as rng } from '../core/seeded-random.js';
import { fsddCases, gcinCases, gridCases, negativeCases, type EvalCase } from './eval-data.js';
import { defaultModelPath } from './model.js';
import { pocketsphinxAvailable, pocketsphinxDigits } from './pocketsphinx.js';
import { heardDigits, scoreDigits, speechPosteriors } from './verify.js';

export interface SetFigures {
  cases: number;
  /** Greedy reading equals the expected string. */
  stringAccuracy: number;
  /** Best string of the expected length equals the expected string. */
  constrainedAccuracy: number;
  impostors: number;
  /** Lowest threshold at which at most 2% of impostor strings (one digit changed) are accepted. */
  thresholdAt2pctFar: number;
  genuineAcceptAt2pctFar: number;
  genuineAcceptAtThreshold: number;
  impostorAcceptAtThreshold: number;
  pocketsphinxStringAccuracy?: number;
}

export interface SpeechEvalReport {
  model: string;
  threshold: number;
  sets: Record<string, SetFigures>;
  nonDigit: { clips: number; stringsTried: number; accepted: number; maxScore: number };
  msPer5sClip: number;
  pocketsphinx: 'compared' | 'not installed';
  markdown: string;
}

const IMPOSTORS_PER_CASE = 8;
const NEGATIVE_STRINGS = 100;

const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;

function impostorsOf(digits: string, rand: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < Math.min(n, digits.length * 9)) {
    const i = Math.floor(rand() * digits.length);
    const d = (Number(digits[i]) + 1 + Math.floor(rand() * 9)) % 10;
    out.add(digits.slice(0, i) + String(d) + digits.slice(i + 1));
  }
  return [...out];
}

/** Lowest threshold with impostor accept rate <= far (accept means score > threshold). */
export function thresholdAtFar(impostors: number[], far: number): number {
  const sorted = [...impostors].sort((a, b) => b - a);
  const allowed = Math.floor(far * sorted.length);
  return sorted[allowed] ?? -Infinity;
}

async function evalSet(cases: EvalCase[], threshold: number, seed: number): Promise<{ figures: SetFigures; ms: number[] }> {
  const rand = rng(seed);
  const genuine: number[] = [];
  const impostor: number[] = [];
  let greedyRight = 0;
  let constrainedRight = 0;
  const ms: number[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const p = await speechPosteriors(c.pcm);
    const g = scoreDigits(p, c.digits);
    ms.push(((performance.now() - t0) * (5 * 16000)) / Math.max(c.pcm.length, 16000));
    genuine.push(g.score);
    if (heardDigits(p).digits === c.digits) greedyRight++;
    if (bestDigitString(mergeLanguages(p), 'zh', c.digits.length).digits === c.digits) constrainedRight++;
    for (const imp of impostorsOf(c.digits, rand, IMPOSTORS_PER_CASE)) impostor.push(scoreDigits(p, imp).score);
  }
  const thr = thresholdAtFar(impostor, 0.02);
  const rate = (xs: number[], t: number): number => (xs.length ? xs.filter((x) => x > t).length / xs.length : 0);
  return {
    ms,
    figures: {
      cases: cases.length,
      stringAccuracy: round(greedyRight / Math.max(1, cases.length)),
      constrainedAccuracy: round(constrainedRight / Math.max(1, cases.length)),
      impostors: impostor.length,
      thresholdAt2pctFar: round(thr, 3),
      genuineAcceptAt2pctFar: round(rate(genuine, thr)),
      genuineAcceptAtThreshold: round(rate(genuine, threshold)),
      impostorAcceptAtThreshold: round(rate(impostor, threshold)),
    },
  };
}

function markdownOf(r: Omit<SpeechEvalReport, 'markdown'>): string {
  const pct = (v: number | undefined): string => (v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const lines = [
    `# Speech evaluation`,
    '',
    `Model \`${r.model}\`, configured threshold ${r.threshold} nats. Voices never seen in training.`,
    '',
    '| set | cases | string acc. (greedy) | string acc. (N digits) | threshold @ 2% FAR | GAR @ 2% FAR | GAR @ threshold | FAR @ threshold | pocketsphinx string acc. |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, f] of Object.entries(r.sets)) {
    lines.push(`| ${name} | ${f.cases} | ${pct(f.stringAccuracy)} | ${pct(f.constrainedAccuracy)} | ${f.thresholdAt2pctFar} | ${pct(f.genuineAcceptAt2pctFar)} | ${pct(f.genuineAcceptAtThreshold)} | ${pct(f.impostorAcceptAtThreshold)} | ${pct(f.pocketsphinxStringAccuracy)} |`);
  }
  lines.push('', `Non-digit speech, silence and noise: ${r.nonDigit.clips} clips x ${r.nonDigit.stringsTried} random 4-digit strings, ${r.nonDigit.accepted} accepted (highest score ${r.nonDigit.maxScore}).`);
  lines.push('', `Verification time, scaled to a 5 s clip: ${r.msPer5sClip} ms mean (model + scoring, one thread).`);
  lines.push('', `pocketsphinx: ${r.pocketsphinx} (US English model, grammar of exactly N English digits; English sets only).`);
  return lines.join('\n') + '\n';
}

/**
 * `livecheck eval speech`: figures on held-out voices, written as JSON and Markdown, with
 * accept rates at `threshold` (the configured digits.minMargin).
 */
export async function runSpeechEval(opts: { data: string; threshold: number; out?: string; json?: boolean; count?: number }): Promise<SpeechEvalReport> {
  const count = opts.count ?? 150;
  const threshold = opts.threshold;
  const sets: Record<string, EvalCase[]> = {
    'fsdd-heldout-speaker (en)': await fsddCases(opts.data, count),
    'gcin-heldout-voice (zh)': await gcinCases(count),
    'grid-single-digit (en)': await gridCases(opts.data),
  };
  const figures: Record<string, SetFigures> = {};
  const times: number[] = [];
  let seed = 11;
  for (const [name, cases] of Object.entries(sets)) {
    if (cases.length === 0) continue;
    const { figures: f, ms } = await evalSet(cases, threshold, seed++);
    figures[name] = f;
    times.push(...ms);
  }
  const ps = pocketsphinxAvailable();
  if (ps) {
    for (const name of ['fsdd-heldout-speaker (en)']) {
      const cases = sets[name] ?? [];
      const fig = figures[name];
      if (cases.length === 0 || !fig) continue;
      const heard = await pocketsphinxDigits(cases.map((c) => c.pcm), 4);
      fig.pocketsphinxStringAccuracy = round(heard.filter((h, i) => h === cases[i]?.digits).length / cases.length);
    }
  }
  const negatives = await negativeCases(opts.data);
  const rand = rng(99);
  let accepted = 0;
  let maxScore = -Infinity;
  for (const c of negatives) {
    const p = await speechPosteriors(c.pcm);
    for (let i = 0; i < NEGATIVE_STRINGS; i++) {
      const s = scoreDigits(p, Array.from({ length: 4 }, () => Math.floor(rand() * 10)).join('')).score;
      maxScore = Math.max(maxScore, s);
      if (s > threshold) accepted++;
    }
  }
  const base = {
    model: defaultModelPath(),
    threshold,
    sets: figures,
    nonDigit: { clips: negatives.length, stringsTried: NEGATIVE_STRINGS, accepted, maxScore: round(maxScore, 3) },
    msPer5sClip: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length), 1),
    pocketsphinx: ps ? ('compared' as const) : ('not installed' as const),
  };
  const report: SpeechEvalReport = { ...base, markdown: markdownOf(base) };
  if (opts.out) {
    await mkdir(opts.out, { recursive: true });
    await writeFile(join(opts.out, 'speech-eval.json'), JSON.stringify(base, null, 2) + '\n');
    await writeFile(join(opts.out, 'speech-eval.md'), report.markdown);
  }
  process.stdout.write(opts.json ? JSON.stringify(base) + '\n' : report.markdown);
  return report;
}
