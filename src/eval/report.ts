import type { CheckName } from '../core/inference.js';
import { ATTACKS, GENUINE_JUDGING } from './attacks/index.js';
import { accepted, type Metrics, type Proportion } from './metrics.js';
import { errorCurvePlot, scorePlot, type ScoreGroup } from './svg.js';
import { ATTACK_TYPES, CHECK_NAMES, type AttackType, type CaseResult, type PictureResult, type PictureSet } from './types.js';

/** Everything one evaluation run produced; written as metrics.json and rendered as report.md. */
export interface EvalReport {
  /** The exact command line that produced the report. */
  command: string;
  generatedAt: string;
  dataDir: string;
  commit: string | null;
  durationSec: number;
  metrics: Metrics;
  results: CaseResult[];
  pictures: PictureResult[];
  /** How the cases were prepared, and anything skipped. */
  notes: string[];
  /** Markdown summary of the separate speech evaluation, or why it is missing. */
  speech: { ok: true; markdown: string } | { ok: false; reason: string };
}

export interface RenderedReport {
  markdown: string;
  /** File name (under plots/) to SVG text. */
  plots: Record<string, string>;
}

export function pct(p: Proportion): string {
  if (p.rate === null || p.ci95 === null) return 'n/a (n=0)';
  const f = (v: number): string => `${(v * 100).toFixed(1)}%`;
  return `${f(p.rate)} [${f(p.ci95[0])}, ${f(p.ci95[1])}]`;
}

const kOfN = (p: Proportion): string => `${p.k}/${p.n}`;

export function table(head: string[], rows: string[][]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function presentTypes(metrics: Metrics): AttackType[] {
  return ATTACK_TYPES.filter((t) => metrics.apcer[t] !== undefined);
}

function failedJudged(r: CaseResult): CheckName[] {
  return r.judgedBy.filter((name) => r.checks.find((c) => c.name === name)?.passed !== true);
}

function headline(m: Metrics, results: CaseResult[]): string {
  const rows = presentTypes(m).map((t) => {
    const a = ATTACKS[t];
    const p = m.apcer[t] as Proportion;
    const silent = results.filter((r) => r.attack === t && !r.error && r.judgedBy.some((n) => (r.checks.find((c) => c.name === n)?.passed ?? null) === null));
    return [t, a.description, String(p.n), String(p.k), pct(p), String(silent.length), a.judgedBy.join(', '), a.targets.join(', '), a.excluded.map((e) => `${e.check}: ${e.why}`).join('; ')];
  });
  const silentGenuine = results.filter((r) => r.kind === 'genuine' && !r.error && r.judgedBy.some((n) => (r.checks.find((c) => c.name === n)?.passed ?? null) === null));
  rows.push([
    '**bona fide (BPCER)**',
    GENUINE_JUDGING.description,
    String(m.bpcer.n),
    String(m.bpcer.k),
    pct(m.bpcer),
    String(silentGenuine.length),
    GENUINE_JUDGING.judgedBy.join(', '),
    '',
    GENUINE_JUDGING.excluded.map((e) => `${e.check}: ${e.why}`).join('; '),
  ]);
  return table(
    ['attack type', 'what', 'cases', 'accepted (rejected for BPCER)', 'APCER / BPCER [95% CI]', 'cases where a judged check gave no verdict', 'judged by', 'designed to be caught by', 'excluded (why)'],
    rows,
  );
}

function noVerdicts(m: Metrics): string {
  const rows = CHECK_NAMES.filter((n) => m.checks[n].noVerdict.cases > 0).map((n) => {
    const v = m.checks[n].noVerdict;
    return [n, `${v.cases}/${v.of}`, v.example ?? ''];
  });
  if (rows.length === 0) return 'Every check gave a verdict in every case the pipeline answered.';
  return [
    'A check gives no verdict when its input is missing (no sound, no face: expected for some attacks) or its stage is',
    'unavailable. A judged check without a verdict counts as a rejection, so an APCER that rests on such cases says nothing',
    'about that check, and a BPCER that rests on them is an outage, not a decision.',
    '',
    table(['check', 'cases without a verdict', 'example reason'], rows),
  ].join('\n');
}

function caughtBy(m: Metrics, results: CaseResult[]): string {
  const rows = presentTypes(m).map((t) => {
    const cases = results.filter((r) => r.attack === t);
    const cells = CHECK_NAMES.map((name) => {
      if (!ATTACKS[t].judgedBy.includes(name)) return '-';
      return String(cases.filter((r) => !r.error && failedJudged(r).includes(name)).length);
    });
    return [t, String(cases.length), ...cells, String(cases.filter((r) => r.error).length)];
  });
  return table(['attack type', 'cases', ...CHECK_NAMES, 'pipeline error'], rows);
}

function passRates(m: Metrics): string {
  const groups = ['genuine', ...presentTypes(m)];
  const rows = CHECK_NAMES.map((name) => [name, ...groups.map((g) => (m.checks[name].passRate[g] ? kOfN(m.checks[name].passRate[g]) : '-'))]);
  return table(['check', ...groups], rows);
}

function checkCurves(m: Metrics): string {
  const rows = CHECK_NAMES.map((name) => {
    const c = m.checks[name];
    const eer = c.eer
      ? `${(c.eer.apcer * 100).toFixed(1)}% APCER / ${(c.eer.bpcer * 100).toFixed(1)}% BPCER at ${Number(c.eer.threshold.toPrecision(4))}`
      : c.scores.genuine.length === 0
        ? 'n/a: no bona fide scores (genuine cases are not judged on it)'
        : 'n/a';
    return [
      name,
      c.direction ?? 'unknown (no scored verdicts)',
      c.threshold === null ? 'n/a' : String(c.threshold),
      `${c.scores.genuine.length} / ${c.scores.attack.length}`,
      eer,
      c.scores.genuine.length + c.scores.attack.length ? `![${name} scores](plots/${name}-scores.svg) ![${name} error rates](plots/${name}-curve.svg)` : 'no plot (no scores)',
    ];
  });
  return table(['check', 'score direction', 'configured threshold', 'scored genuine / targeted attack', 'closest APCER = BPCER point', 'plots'], rows);
}

const PICTURE_SETS: Record<PictureSet, string> = {
  selfie: 'real selfie (spoof/)',
  'clip-frame': 'frames of the genuine clips',
  'face-photo': 'faces/ photos with surroundings',
  'face-crop': 'faces/ 150x150 grey face-only crops (face-api.js examples)',
};

function pictureSection(m: Metrics, pictures: PictureResult[]): string {
  if (pictures.length === 0) return 'No photos were evaluated.';
  const rows: string[][] = (Object.entries(m.picture.apcer) as [AttackType, Proportion][]).map(([t, p]) => [t, String(p.n), pct(p)]);
  for (const [set, p] of Object.entries(m.picture.bpcerBySet) as [PictureSet, Proportion][]) rows.push([`bona fide: ${PICTURE_SETS[set] ?? set}`, String(p.n), pct(p)]);
  rows.push(['**bona fide photos, all (BPCER)**', String(m.picture.bpcer.n), pct(m.picture.bpcer)]);
  const detail = pictures.map((p) => [p.id, p.kind === 'genuine' ? 'bona fide' : (p.attack ?? ''), p.source, p.score === null ? `error: ${p.error ?? ''}` : String(p.score)]);
  const grey = m.picture.greyscale;
  const greyRows = [
    ['grey copies of the bona fide colour photos', String(grey.bonaFideLive.n), String(grey.bonaFideLive.k)],
    ['grey copies of the attack photos', String(grey.attackLive.n), String(grey.attackLive.k)],
  ];
  return [
    `livedetectpicture answers live when the score is above ${m.picture.threshold ?? 'n/a'} (SPEC). Attack photos: the real`,
    'print and screen attacks in spoof/. Bona fide photos: the real selfie in spoof/, the middle frame of each genuine clip',
    '(compressed video, GRID ones upscaled, softer than a camera photo) and the honest face photos in faces/, BPCER per set.',
    '',
    table(['presentation', 'photos', 'APCER / BPCER [95% CI]'], rows),
    '',
    'Grey copies of the colour photos (faces/ photos with surroundings and the spoof/ photos), left out of the figures above:',
    'they show whether the models can judge a picture without colour at all.',
    '',
    table(['grey copies', 'photos', 'scored live'], greyRows),
    '',
    table(['photo', 'label', 'source', 'score'], detail),
  ].join('\n');
}

function caseTable(results: CaseResult[]): string {
  const rows = results.map((r) => {
    const verdict = r.kind === 'genuine' ? (accepted(r) ? 'accepted' : 'REJECTED') : accepted(r) ? 'ACCEPTED' : 'rejected';
    const scores = r.checks.map((c) => `${c.name}:${c.passed === null ? 'n/a' : c.passed ? 'ok' : 'FAIL'}${c.score === null ? '' : `(${Number(c.score.toPrecision(3))})`}`).join(' ');
    return [r.id, r.kind === 'genuine' ? 'bona fide' : (r.attack ?? ''), verdict, r.live ? `${r.live.status} ${r.live.msg}` : `error: ${r.error ?? ''}`, scores, r.sources.join(', ')];
  });
  return table(['case', 'type', 'verdict (judged checks)', 'pipeline live_status', 'checks (score)', 'built from'], rows);
}

function closingNote(m: Metrics): string {
  const parts = presentTypes(m).map((t) => `${t} ${pct(m.apcer[t] as Proportion)} (n=${(m.apcer[t] as Proportion).n})`);
  const worst = m.apcerMax ? `The worst attack type is ${m.apcerMax.attack} at ${pct(m.apcerMax.value)}.` : '';
  return [
    `APCER per attack type: ${parts.join('; ')}.`,
    `BPCER: ${pct(m.bpcer)} (n=${m.bpcer.n}).`,
    worst,
    'Brackets are exact 95% Clopper-Pearson intervals: with a few dozen cases per type, an observed 0% only bounds the true rate by the upper end of its interval.',
  ]
    .filter(Boolean)
    .join(' ');
}

function plotsFor(m: Metrics, results: CaseResult[]): Record<string, string> {
  const plots: Record<string, string> = {};
  for (const name of CHECK_NAMES) {
    const c = m.checks[name];
    if (c.scores.genuine.length + c.scores.attack.length === 0) continue;
    const scoreOf = (r: CaseResult): number | null => r.checks.find((x) => x.name === name)?.score ?? null;
    const groups: ScoreGroup[] = [{ label: 'bona fide', kind: 'genuine', values: c.scores.genuine }];
    for (const t of ATTACK_TYPES) {
      if (!ATTACKS[t].targets.includes(name)) continue;
      const values = results.filter((r) => r.attack === t).map(scoreOf).filter((s): s is number => s !== null);
      if (values.length) groups.push({ label: t, kind: 'attack', values });
    }
    const xLabel = `${name} score (${c.direction ?? 'direction unknown'})`;
    plots[`${name}-scores.svg`] = scorePlot({ title: `${name}: scores by presentation`, xLabel, groups, threshold: c.threshold });
    plots[`${name}-curve.svg`] = errorCurvePlot({ title: `${name}: error rates against threshold`, xLabel: `${name} threshold`, curve: c.curve, threshold: c.threshold });
  }
  return plots;
}

export function renderReport(r: EvalReport): RenderedReport {
  const m = r.metrics;
  const md = [
    '# livecheck liveness evaluation (ISO/IEC 30107-3 metrics)',
    '',
    `Generated by \`${r.command}\` on ${r.generatedAt}${r.commit ? ` at commit ${r.commit}` : ''}, over \`${r.dataDir}\`, in ${Math.round(r.durationSec)} s.`,
    'Do not edit by hand: rerun the command. Machine-readable figures are in `metrics.json`.',
    '',
    '## What was evaluated',
    '',
    '**No real video of a person reading four digits exists in the data.** The genuine (bona fide) cases are real people speaking',
    'other sentences, so they are judged on every check except the digit check; the digit check is evaluated on real spoken digits',
    'separately (speech section below) and by the wrong-digits attack. No fake genuine case was made up.',
    'Each attack type is judged by the checks listed with it; a check is left out only where the way the case was built, not the',
    'attack, would make it fail. A case is accepted when every check that judges it passed; a pipeline error accepts nothing.',
    '',
    `${m.counts.genuine} bona fide cases, ${m.counts.attack} attack cases, ${m.counts.errors} pipeline errors.`,
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
    '## APCER per attack type and BPCER',
    '',
    headline(m, r.results),
    '',
    m.apcerMax ? `Maximum APCER over attack types (ISO/IEC 30107-3 worst case): ${m.apcerMax.attack}, ${pct(m.apcerMax.value)}.` : '',
    '',
    '## Checks that gave no verdict',
    '',
    noVerdicts(m),
    '',
    '## Which check rejected each attack',
    '',
    'Count of cases of each type in which each judged check failed or gave no verdict (a case can fail several; "-" = not',
    'judged by that check).',
    '',
    caughtBy(m, r.results),
    '',
    '## Pass rate of each check per group',
    '',
    'Cases in which the check passed, of all cases of the group (including those where it could not run).',
    '',
    passRates(m),
    '',
    '## Scores and error-rate curves per check',
    '',
    'Curves sweep each check\'s threshold over the observed scores: BPCER over bona fide cases, APCER over the attack types the',
    'check is designed to catch (the "designed to be caught by" column above). Each curve is that check alone; the system',
    'decision combines them all. The score direction is read from the pipeline\'s own verdicts.',
    '',
    checkCurves(m),
    '',
    '## Picture liveness (livedetectpicture) on real attack photos',
    '',
    pictureSection(m, r.pictures),
    '',
    '## Speech (digit recognition) on real spoken digits',
    '',
    r.speech.ok ? r.speech.markdown : `Not included: ${r.speech.reason}`,
    '',
    '## Every case',
    '',
    caseTable(r.results),
    '',
    '## Data and attribution',
    '',
    'GRID audio-visual corpus (Cooke, Barker, Cunningham & Shao 2006), CC BY 4.0; talking-head clips from OpenTalker/SadTalker and',
    'OpenTalker/video-retalking, Apache-2.0; Free Spoken Digit Dataset (Jakobovski), CC BY-SA 4.0; spoof photos from',
    'minivision-ai/Silent-Face-Anti-Spoofing, Apache-2.0. None of the media is stored in this repository.',
    '',
    '## Closing note',
    '',
    closingNote(m),
    '',
  ].join('\n');
  return { markdown: md, plots: plotsFor(m, r.results) };
}
