import type { Proportion } from '../metrics.js';
import type { SpeechEvalReport } from './types.js';
import { CUT_TAKE_DB } from './voices.js';

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
/** A pooled rate with its count and 95% interval: "3.1% (13 of 420) [1.7%, 5.2%]". */
const counted = (p: Proportion): string => (p.rate === null || !p.ci95 ? '-' : `${pct(p.rate)} (${p.k} of ${p.n}) [${pct(p.ci95[0])}, ${pct(p.ci95[1])}]`);
const LANG = { zh: 'Mandarin', en: 'English' } as const;

function confusionLines(r: Omit<SpeechEvalReport, 'markdown'>): string[] {
  const out: string[] = [];
  for (const lang of ['zh', 'en'] as const) {
    const c = r.confusions[lang];
    if (!c || c.readings === 0) continue;
    const worst = [...c.digits].filter((d) => d.positions > 0).sort((a, b) => b.substituted / b.positions - a.substituted / a.positions);
    out.push(
      '',
      `${LANG[lang]}: what the model heard (greedy reading) on the ${c.readings} genuine readings. Of the ${c.rejected} rejected, ${c.fewer} were heard with fewer digits than read (dropped, or repeats merged), ${c.more} with more, and ${c.rightButUnsure} were heard right but with too small a margin; the rest had a digit heard as another. Per expected digit, over the readings heard at the right length:`,
      '',
      '| digit | places | heard as another digit | most often as |',
      '|---|---|---|---|',
      ...worst.map((d) => `| ${d.digit} | ${d.positions} | ${pct(d.substituted / d.positions)} | ${d.mostOftenAs ? `${d.mostOftenAs.digit} (${d.mostOftenAs.count})` : '-'} |`),
    );
  }
  return out;
}

/** The speech evaluation as Markdown: per language, then per voice. */
export function renderSpeechReport(r: Omit<SpeechEvalReport, 'markdown'>): string {
  const heldOut = r.mode === 'held-out folds';
  const lines = [
    '# Speech evaluation',
    '',
    heldOut
      ? 'Every reading below is by a voice its model never heard: each fold model is scored only on the voices its fold left out of training, at a threshold (and a stricter one where the digit model heard Mandarin) and a second-reading margin floor and largest warp chosen on the other folds\' voices (for each floor, warp and Mandarin extra tried, the stricter of the two languages\' 2% one-digit-off impostor points; the setting kept is the one accepting most genuine readings there, averaged over the languages).'
      : '**Not held-out figures**: no fold models were found (run `npm run train:speech`), so the shipped model is scored on voices it was trained on, at the configured threshold.',
    '',
    `Models: \`${r.model}\`. Configured threshold (digits.minMargin): ${r.configuredThreshold} nats, ${r.configuredMandarinThreshold} where the digit model hears Mandarin (digits.minMarginMandarin), second-reading margin floor (digits.hmmMinMargin) ${r.hmmMinMargin}, largest warp (digits.hmmMaxWarp) ${r.hmmMaxWarp}${r.recommendedThreshold === null ? '' : `; chosen the same way on the held-out readings of every voice: floor ${r.recommendedHmmMinMargin}, largest warp ${r.recommendedHmmMaxWarp}, Mandarin threshold ${r.recommendedMandarinThreshold}, threshold ${r.recommendedThreshold}`}.`,
    '',
    ...(heldOut && r.voices.some((v) => v.thresholdFrom === 'configured')
      ? ['Voices whose threshold is marked (config) are judged at the configured threshold: no other fold was evaluated to choose one on.', '']
      : []),
    'Readings: four random digits spliced from the voice\'s own single-digit takes, read slowly (0.3-0.7 s pauses), normally (0.05-0.3 s) or fast (run together, 0.25-0.35 s per digit), each also through a telephone channel (8 kHz, 300-3400 Hz). Impostors: the same readings claimed as a string with one digit changed. Missing digit: other readings of four random digits with one of them left out, claimed as the whole string (a recording lacking a digit of the challenge); the thresholds are not chosen on them.',
    '',
    `A reading is accepted when the digit model's margin clears the threshold, or when the Mandarin second reading (CMU Sphinx tdt_sc_8k, never trained on these voices) reads the claimed string better than its best other four digits by more than the margin floor (a floor below 0 lets a close second through) in one of its readings (the recording as it is, and through filterbanks warped for longer vocal tracts, in steps of 0.1 up to the voice's largest warp; 1 reads it only as it is), with a fit of at least ${r.hmmMinFit} (digits.hmmMinFit) and no digit shorter than ${r.hmmMinDigitSec} s (digits.hmmMinDigitSec); every figure below, thresholds and floors included, is of that combined decision. The two right-hand columns give each part alone.`,
    '',
    '| language | voices | mean GAR | worst voice | pooled GAR | fast GAR | phone GAR | impostors accepted | missing digit accepted | digit model alone | second reading alone (impostors) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const lang of ['zh', 'en'] as const) {
    const f = r.languages[lang];
    if (f) lines.push(`| ${LANG[lang]} | ${f.voices} | ${pct(f.meanGar)} | ${f.worst.id} ${pct(f.worst.gar)} | ${pct(f.pooledGar)} | ${pct(f.fastGar)} | ${pct(f.phoneGar)} | ${counted(f.impostors)} | ${counted(f.missing)} | ${pct(f.modelGar)} | ${pct(f.mandarinGar)} (${pct(f.mandarinFar)}) |`);
  }
  const whole = (['zh', 'en'] as const).flatMap((lang) => {
    const w = r.languages[lang]?.whole;
    return w ? [`${LANG[lang]} ${pct(w.meanGar)} over ${w.voices} voices, worst ${w.worst.id} ${pct(w.worst.gar)}${w.voicesWithout > 0 ? ` (${w.voicesWithout} voice${w.voicesWithout > 1 ? 's' : ''} with no such reading: ${r.voices.filter((v) => v.lang === lang && v.wholeGar === null).map((v) => v.id).join(', ')})` : ''}`] : [];
  });
  const cut = r.voices.filter((v) => v.cutTakes.length > 0);
  lines.push(
    '',
    `Takes cut off while the voice still sounds (from its loudest 20 ms to the end of the file the voice stays ${CUT_TAKE_DB} dB above the take's quiet, and ends within ${CUT_TAKE_DB} dB of its loudest; a reading spliced from such a take holds a syllable no one says): ${cut.map((v) => `${v.id} ${v.cutTakes.length} (${v.cutDigits.length === 0 ? 'no digit with all its takes cut' : `every take of ${v.cutDigits.join(', ')}; ${v.wholeGar === null ? 'no reading without them' : `readings without them ${pct(v.wholeGar)} of ${v.wholeReadings}, all readings ${pct(v.gar)}`}`})`).join('; ') || 'none'}. Genuine readings holding no digit whose every take is cut, accepted at the same thresholds (the figures above count every reading): ${whole.join('; ') || '-'}.`,
    '',
    `Digit takes left out as silent tracks (loudest sample under audio.silentPeakDb, which the service refuses as silent: no honest reading can hold them): ${r.voices.flatMap((v) => v.silentTakes.map((p) => `${v.id} ${p.replace(/^.*\/speech\//, 'speech/')}`)).join('; ') || 'none'}.`,
    '',
    `Non-digit speech, silence and noise: ${r.nonDigit.accepted} of ${r.nonDigit.trials} trials accepted (highest score ${r.nonDigit.maxScore}); sources: ${r.nonDigit.sources.join('; ')}.`,
    '',
    `The strongest claim on the non-digit syllable strings, the four digits the digit model itself hears in them: ${r.nonDigit.heard.fourDigits} of ${r.nonDigit.heard.recordings} strings heard as four digits, ${r.nonDigit.heard.accepted} of those accepted at their voice's setting (a random claim meets that string once in 10,000).`,
    '',
    `Verification time, scaled to a 5 s clip: ${r.msPer5sClip} ms mean for the digit model and its scoring, plus up to ${r.mandarinMsPer5sClip} ms for the Mandarin second reading when the model does not accept or to confirm a Mandarin acceptance (one thread, every warp read).`,
    '',
    '| voice | sex | accent | fold | threshold / heard as Mandarin | margin floor | largest warp | readings | GAR | slow | normal | fast | clean | phone | impostors accepted | missing digit accepted | non-digit accepted |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const v of r.voices) {
    const by = (k: string): string => pct(v.garBy[k] ?? 0);
    lines.push(`| ${v.id} | ${v.sex} | ${v.accent} | ${v.fold ?? '-'} | ${v.threshold}${v.thresholdFrom === 'configured' && heldOut ? ' (config)' : ''} / ${v.mandarinThreshold} | ${v.hmmMinMargin} | ${v.hmmMaxWarp} | ${v.readings} | ${pct(v.gar)} | ${by('slow')} | ${by('normal')} | ${by('fast')} | ${by('clean')} | ${by('phone')} | ${pct(v.far)} of ${v.impostors} | ${v.missingAccepted} of ${v.missingTrials} | ${v.nonDigitAccepted} of ${v.nonDigitTrials} |`);
  }
  lines.push(...confusionLines(r));
  if (r.skipped.length > 0) lines.push('', 'Skipped:', ...r.skipped.map((s) => `- ${s}`));
  return lines.join('\n') + '\n';
}
