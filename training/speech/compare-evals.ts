/**
 * Two held-out speech evaluations side by side (the speech-eval.json that `livecheck eval speech`
 * writes), as the markdown tables docs/speech.md's statuses carry: per language and per voice,
 * the earlier run's figure, then the later one's.
 *   node --import tsx training/speech/compare-evals.ts OLD.json NEW.json
 * For a recipe change: OLD is the committed docs/evaluation/speech/speech-eval.json (copy it
 * away before the new run overwrites it), NEW the run over the retrained folds.
 */
import { readFileSync } from 'node:fs';
import type { LanguageFigures, SpeechEvalReport } from '../../src/eval/speech/types.js';

/** What this reads of a report: the speech-eval.json that the evaluation writes holds all of it. */
type EvalJson = Pick<SpeechEvalReport, 'recommendedThreshold' | 'recommendedMandarinThreshold' | 'recommendedHmmMinMargin' | 'recommendedHmmMaxWarp' | 'languages' | 'voices'>;

// A rate over no trials is null.
const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const pair = (a: string, b: string): string => (a === b ? a : `${a} -> ${b}`);

export function compareEvals(before: EvalJson, after: EvalJson): string {
  const out: string[] = [];
  out.push('| | before | after |', '|---|---|---|');
  out.push(`| settings over all held-out readings (minMargin / Mandarin / floor / warp) | ${settings(before)} | ${settings(after)} |`);
  out.push('', '| language | mean | worst voice | fast / phone | digit model alone | impostors | lacking a digit |', '|---|---|---|---|---|---|---|');
  for (const [lang, b] of Object.entries(after.languages) as [keyof EvalJson['languages'], LanguageFigures][]) {
    const a = before.languages[lang];
    if (!a) continue;
    out.push(
      `| ${lang} | ${pair(pct(a.meanGar), pct(b.meanGar))} | ${pair(`${a.worst.id} ${pct(a.worst.gar)}`, `${b.worst.id} ${pct(b.worst.gar)}`)} | ` +
        `${pair(`${pct(a.fastGar)} / ${pct(a.phoneGar)}`, `${pct(b.fastGar)} / ${pct(b.phoneGar)}`)} | ${pair(pct(a.modelGar), pct(b.modelGar))} | ` +
        `${pair(pct(a.impostors.rate), pct(b.impostors.rate))} | ${pair(pct(a.missing.rate), pct(b.missing.rate))} |`,
    );
  }
  out.push('', '| voice | fold | accepted before | after | impostors before | after |', '|---|---|---|---|---|---|');
  const earlier = new Map(before.voices.map((v) => [v.id, v]));
  for (const v of after.voices) {
    const o = earlier.get(v.id);
    out.push(`| ${v.id} | ${v.fold} | ${o ? pct(o.gar) : '-'} | ${pct(v.gar)} | ${o ? pct(o.far) : '-'} | ${pct(v.far)} |`);
  }
  const better = after.voices.filter((v) => (earlier.get(v.id)?.gar ?? Infinity) < v.gar).length;
  const worse = after.voices.filter((v) => (earlier.get(v.id)?.gar ?? -Infinity) > v.gar).length;
  out.push('', `${better} voices better, ${worse} worse, ${after.voices.length - better - worse} unchanged.`);
  return out.join('\n');
}

function settings(e: EvalJson): string {
  return `${e.recommendedThreshold} / ${e.recommendedMandarinThreshold} / ${e.recommendedHmmMinMargin} / ${e.recommendedHmmMaxWarp}`;
}

if (process.argv[1]?.endsWith('compare-evals.ts')) {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (!beforePath || !afterPath) {
    console.error('usage: compare-evals.ts OLD.json NEW.json');
    process.exit(2);
  }
  const read = (p: string): EvalJson => JSON.parse(readFileSync(p, 'utf8')) as EvalJson;
  console.log(compareEvals(read(beforePath), read(afterPath)));
}
