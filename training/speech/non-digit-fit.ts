/**
 * How the digit model's acceptances of non-digit speech can be told from honest ones: the
 * figures behind the fit check of its Mandarin acceptances (mandarinFitFails, docs/decisions.md).
 *
 * Exploration readings (seed base 7000, apart from the evaluation's): per voice 5 genuine
 * readings per pace (each also through the phone channel) and 60 strings of its non-digit
 * syllables, each scored by the fold model that never heard the voice. For the genuine readings
 * the fold model accepts at `threshold`, and for the non-digit strings in which it hears four
 * digits accepted at `threshold` (a hallucination), it prints the lowest per-digit posterior
 * on the aligned path and, for Mandarin, the best fit of the claim in the second reading over
 * the warps up to 1.1.
 * Run: node --import tsx training/speech/non-digit-fit.ts [../shared/data] [models/speech-folds] [threshold]
 */
import { join } from 'node:path';
import { alignDigits } from '../../src/speech/align.js';
import { loadSpeechModel, type SpeechModel } from '../../src/speech/model.js';
import { checkMandarin, vocalTractWarps, warpedReadings } from '../../src/speech/sphinx/index.js';
import { heardDigits, scoreDigits, speechPosteriors } from '../../src/speech/verify.js';
import { genuineCases, nonDigitCases } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable, voiceAvailable } from '../../src/eval/speech/voices.js';

const data = process.argv[2] ?? join('..', 'shared', 'data');
const foldDir = process.argv[3] ?? join('models', 'speech-folds');
const threshold = Number(process.argv[4] ?? -0.955);

interface Accepted {
  voice: string;
  lang: string;
  claim: string;
  /** Lowest posterior of a claimed digit on its aligned path. */
  lowestDigit: number;
  /** Best fit of the claim in the Mandarin second reading (Mandarin voices only). */
  fit: number | null;
}

function bestFit(pcm: Float32Array, claim: string): number {
  let best = -Infinity;
  for (const { reading } of warpedReadings(pcm, vocalTractWarps(1.1))) best = Math.max(best, checkMandarin(reading, claim, -Infinity).fit ?? -Infinity);
  return best;
}

/** The claim's figures when `model` accepts it on `pcm`, else null. */
async function accepted(pcm: Float32Array, claim: string | null, model: SpeechModel, voice: string, lang: string): Promise<Accepted | null> {
  const p = await speechPosteriors(pcm, model);
  const c = claim ?? heardDigits(p).digits;
  if (c.length !== 4 || scoreDigits(p, c).score <= threshold) return null;
  const segments = alignDigits(p, c, pcm.length / 16000 / p.frames);
  return { voice, lang, claim: c, lowestDigit: Math.min(...segments.map((s) => s.score)), fit: lang === 'zh' ? bestFit(pcm, c) : null };
}

async function main(): Promise<void> {
  const table = await loadVoiceTable();
  const models = new Map<number, SpeechModel>();
  const genuine: Accepted[] = [];
  const hallucinated: Accepted[] = [];
  let strings = 0;
  for (const [i, v] of table.voices.entries()) {
    if (!voiceAvailable(v, data)) continue;
    const fold = table.folds.findIndex((f) => f.includes(v.id));
    if (!models.has(fold)) models.set(fold, await loadSpeechModel(join(foldDir, `fold${fold}`, 'digits.onnx')));
    const model = models.get(fold) as SpeechModel;
    const clips = await loadVoiceClips(v, data);
    const seed = 7000 + 10 * i;
    for (const c of await genuineCases(clips, 5, seed)) {
      const a = await accepted(c.pcm, c.digits, model, v.id, v.lang);
      if (a) genuine.push(a);
    }
    for (const c of await nonDigitCases(clips, 60, seed + 2)) {
      strings++;
      const a = await accepted(c.pcm, null, model, v.id, v.lang);
      if (a) hallucinated.push(a);
    }
    process.stderr.write(`${v.id}: ${genuine.length} genuine accepted, ${hallucinated.length} hallucinations\n`);
  }
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const q = (xs: number[], f: number): string => (sorted(xs)[Math.floor(f * (xs.length - 1))] ?? NaN).toFixed(3);
  const low = genuine.map((g) => g.lowestDigit);
  console.log(`threshold ${threshold}; genuine readings accepted: ${genuine.length}; lowest per-digit posterior: min ${q(low, 0)}, 5% ${q(low, 0.05)}, median ${q(low, 0.5)}`);
  console.log(`non-digit strings: ${strings}; heard as four digits and accepted: ${hallucinated.length}`);
  for (const h of hallucinated) console.log(`  ${h.voice} "${h.claim}" lowest posterior ${h.lowestDigit.toFixed(3)}${h.fit === null ? '' : ` fit ${h.fit.toFixed(2)}`}`);
  const fits = sorted(genuine.flatMap((g) => (g.fit === null ? [] : [g.fit])));
  console.log(`Mandarin genuine accepted: ${fits.length}; lowest fits ${fits.slice(0, 5).map((f) => f.toFixed(2)).join(' ')}`);
  for (const floor of [-1.25, -1.5, -1.75, -2]) {
    const zh = hallucinated.filter((h) => h.fit !== null);
    console.log(`  fit floor ${floor}: genuine turned down ${fits.filter((f) => f < floor).length}, Mandarin hallucinations turned down ${zh.filter((h) => (h.fit as number) < floor).length} of ${zh.length}`);
  }
}

await main();
