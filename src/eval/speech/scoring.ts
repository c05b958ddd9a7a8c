import { seededRandom } from '../../core/seeded-random.js';
import type { SpeechModel } from '../../speech/model.js';
import { SAMPLE_RATE } from '../../speech/tokens.js';
import { checkMandarin, vocalTractWarps, warpedReadings } from '../../speech/sphinx/index.js';
import { heardDigits, inputPosteriors, scoreDigits, speechInput, type DigitConfig, type HmmEvidence } from '../../speech/verify.js';
import { HMM_MAX_WARPS } from './operating-point.js';
import { genuineCases, missingDigitCases, nonDigitCases } from './strings.js';
import type { CaseScore, ClaimScore, Scored, SpeechEvalOptions, Times } from './types.js';
import { loadVoiceClips, type VoiceEntry } from './voices.js';

/**
 * Scoring a voice: its genuine readings, one-digit-off impostor claims, non-digit syllables and
 * readings lacking a digit, each claim by both parts (the digit model's margin, the Mandarin
 * second reading per vocal-tract warp). No threshold is applied here (operating-point.ts judges).
 */

export const DEFAULT_PER_PACE = 20;
export const IMPOSTORS_PER_READING = 8;
/** Readings lacking a digit per genuine reading: half as many, enough to see a rate of a few percent per language. */
const MISSING_PER_READING = 0.5;
const NON_DIGIT_READINGS = 40;
const STRINGS_PER_NON_DIGIT = 5;

/** `n` different strings, each `digits` with one digit changed. */
export function oneDigitOff(digits: string, rand: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < Math.min(n, digits.length * 9)) {
    const i = Math.floor(rand() * digits.length);
    const d = (Number(digits[i]) + 1 + Math.floor(rand() * 9)) % 10;
    out.add(digits.slice(0, i) + String(d) + digits.slice(i + 1));
  }
  return [...out];
}

export const randomDigits = (rand: () => number): string => Array.from({ length: 4 }, () => Math.floor(rand() * 10)).join('');

/**
 * Mandarin second reading of a recording, once per vocal-tract warp: `read(s)` is what each says
 * of string `s` (searched once per string, always with the fit: it decides the second reading's
 * acceptances and holds up the digit model's Mandarin ones). The time kept is what a verdict on
 * `claim` costs at most: every warp's front end, phone loop and search for `claim` (the service
 * stops at the first warp that accepts, or whose fit holds).
 */
function secondReading(pcm: Float32Array, warps: number[], claim = '0000', times: number[] = []): (s: string) => HmmEvidence[] | null {
  const t0 = performance.now();
  const readings = [...warpedReadings(pcm, warps)].map((r) => r.reading);
  const keep = (c: HmmEvidence): HmmEvidence => ({ margin: c.margin, fit: c.fit, shortestWordSec: c.shortestWordSec });
  const known = new Map<string, HmmEvidence[]>();
  const read = (s: string): HmmEvidence[] | null => {
    let h = known.get(s);
    if (!h) {
      h = readings.map((r) => keep(checkMandarin(r, s, -Infinity)));
      known.set(s, h);
    }
    return h.length > 0 ? h : null;
  };
  read(claim);
  times.push(((performance.now() - t0) * 5 * SAMPLE_RATE) / Math.max(pcm.length, SAMPLE_RATE));
  return read;
}

/** Every warp the judging may ask about: the configured one and those the operating point tries. */
export const scoringWarps = (d: Pick<DigitConfig, 'hmmMaxWarp'>): number[] => vocalTractWarps(Math.max(d.hmmMaxWarp, ...HMM_MAX_WARPS));

export async function scoreVoice(voice: VoiceEntry, fold: number | null, model: SpeechModel, opts: SpeechEvalOptions, seed: number, times: Times = { model: [], mandarin: [] }): Promise<Scored> {
  const clips = await loadVoiceClips(voice, opts.data);
  const perPace = opts.perPace ?? DEFAULT_PER_PACE;
  const readings = await genuineCases(clips, perPace, seed);
  const rand = seededRandom(seed + 1);
  const warps = scoringWarps(opts.digits);
  const cases: CaseScore[] = [];
  for (const c of readings) {
    const t0 = performance.now();
    const input = speechInput(c.pcm);
    const p = await inputPosteriors(input, model);
    const { score: genuine, language } = scoreDigits(p, c.digits);
    times.model.push(((performance.now() - t0) * 5 * SAMPLE_RATE) / Math.max(c.pcm.length, SAMPLE_RATE));
    const read = secondReading(input.samples, warps, c.digits, times.mandarin);
    const claims = oneDigitOff(c.digits, rand, IMPOSTORS_PER_READING);
    cases.push({
      digits: c.digits,
      heard: heardDigits(p).digits,
      pace: c.pace,
      channel: c.channel,
      secPerSyllable: c.secPerSyllable,
      model: genuine,
      impostorModels: claims.map((s) => scoreDigits(p, s).score),
      zh: language === 'zh',
      hmm: read(c.digits),
      impostorHmms: claims.map(read),
    });
  }
  const nonDigit: ClaimScore[] = [];
  const nonDigitHeard: ClaimScore[] = [];
  const syllables = await nonDigitCases(clips, NON_DIGIT_READINGS, seed + 2);
  for (const c of syllables) {
    const claims = Array.from({ length: STRINGS_PER_NON_DIGIT }, () => randomDigits(rand));
    const { scores, heard } = await claimScores(c.pcm, model, warps, claims, true);
    nonDigit.push(...scores);
    if (heard) nonDigitHeard.push(heard);
  }
  const missing: ClaimScore[] = [];
  for (const c of await missingDigitCases(clips, Math.ceil(perPace * MISSING_PER_READING), seed + 3)) missing.push(...(await claimScores(c.pcm, model, warps, [c.digits])).scores);
  return { voice, fold, cases, nonDigit, nonDigitHeard, nonDigitRecordings: syllables.length, missing, silentTakes: clips.silentTakes, cutTakes: clips.cutTakes, cutDigits: clips.cutDigits };
}

/**
 * Both parts' scores of each claim on one recording (the shipped model when `model` is
 * undefined), and with `withHeard` of the four digits the digit model hears in it, if it hears four.
 */
export async function claimScores(pcm: Float32Array, model: SpeechModel | undefined, warps: number[], claims: string[], withHeard = false): Promise<{ scores: ClaimScore[]; heard: ClaimScore | null }> {
  const input = speechInput(pcm);
  const p = await inputPosteriors(input, model);
  const read = secondReading(input.samples, warps, claims[0]);
  const claim = (s: string): ClaimScore => {
    const { score, language } = scoreDigits(p, s);
    return { model: score, hmm: read(s), zh: language === 'zh' };
  };
  const four = withHeard ? heardDigits(p).digits : '';
  return { scores: claims.map(claim), heard: four.length === 4 ? claim(four) : null };
}

/** The seed of the readings of the voice at `index` in the voice table, so that any tool can rebuild them. */
export const voiceSeed = (index: number): number => 110 + 10 * index;
