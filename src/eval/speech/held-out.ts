import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeAudio } from '../../audio/index.js';
import type { Thresholds } from '../../config/index.js';
import { repoRoot } from '../../core/repo-root.js';
import { audioFault } from '../../liveness/checks/audio.js';
import { seededRandom } from '../../core/seeded-random.js';
import type { SpeechModel } from '../../speech/model.js';
import { SAMPLE_RATE } from '../../speech/tokens.js';
import { scorer } from './operating-point.js';
import { foldModels } from './run.js';
import { claimScores, IMPOSTORS_PER_READING, oneDigitOff, scoringWarps, voiceSeed } from './scoring.js';
import { genuineCases } from './strings.js';
import type { VoiceFigures } from './types.js';
import { loadVoiceClips, loadVoiceTable, voiceAvailable, type Lang } from './voices.js';

/**
 * Held-out readings for the studies of how a reading fares on its way to the service (through a
 * browser, under noise): the speech evaluation's own readings of each voice (clean channel), each
 * judged as the evaluation judges it, by the model of the fold that never heard the voice at that
 * fold's committed threshold and second-reading setting (docs/evaluation/speech), so that the
 * studies choose nothing.
 */
export interface HeldOutReading {
  voice: string;
  lang: Lang;
  fold: number;
  digits: string;
  /** One-digit-off claims on the same recording. */
  impostors: string[];
  pcm: Float32Array;
}

export interface ReadingVerdict {
  /** The service's audio checks (silent, too quiet, too noisy) pass. */
  audioOk: boolean;
  /** The audio checks pass and the digit check accepts the reading's own digits. */
  accepted: boolean;
  impostorsAccepted: number;
}

export interface HeldOutJudge {
  readings: HeldOutReading[];
  judge(reading: HeldOutReading, pcm: Float32Array): Promise<ReadingVerdict>;
}

export async function heldOutReadings(data: string, perPace: number, th: Thresholds): Promise<HeldOutJudge> {
  const table = await loadVoiceTable();
  const folds = await foldModels(join(repoRoot(), 'models', 'speech-folds'));
  if (!folds) throw new Error('models/speech-folds has no fold models');
  const committed = JSON.parse(readFileSync(join(repoRoot(), 'docs', 'evaluation', 'speech', 'speech-eval.json'), 'utf8')) as { voices: VoiceFigures[] };
  const settings = new Map(committed.voices.map((v) => [v.id, v]));
  const readings: HeldOutReading[] = [];
  for (const [index, voice] of table.voices.entries()) {
    if (!voiceAvailable(voice, data) || !settings.has(voice.id)) continue;
    const fold = table.folds.findIndex((f) => f.includes(voice.id));
    const rand = seededRandom(voiceSeed(index) + 1);
    for (const c of await genuineCases(await loadVoiceClips(voice, data), perPace, voiceSeed(index))) {
      if (c.channel === 'clean') readings.push({ voice: voice.id, lang: voice.lang, fold, digits: c.digits, impostors: oneDigitOff(c.digits, rand, IMPOSTORS_PER_READING), pcm: c.pcm });
    }
  }
  const warps = scoringWarps(th.digits);
  const guards = { hmmMinFit: th.digits.hmmMinFit, hmmMinDigitSec: th.digits.hmmMinDigitSec };
  const judge = async (r: HeldOutReading, pcm: Float32Array): Promise<ReadingVerdict> => {
    const audioOk = audioFault(analyzeAudio(pcm, SAMPLE_RATE), th) === null;
    const v = settings.get(r.voice) as VoiceFigures;
    const score = scorer({ floor: v.hmmMinMargin, maxWarp: v.hmmMaxWarp, zhExtra: v.mandarinThreshold - v.threshold }, guards);
    const { scores } = await claimScores(pcm, folds.get(r.fold) as SpeechModel, warps, [r.digits, ...r.impostors]);
    const [genuine, ...others] = scores;
    // As the evaluation judges: every claim in the language the digit model heard the reading in.
    const passes = (c: (typeof scores)[number]): boolean => audioOk && score(c.model, c.hmm, genuine.zh) > v.threshold;
    return { audioOk, accepted: passes(genuine), impostorsAccepted: others.filter(passes).length };
  };
  return { readings, judge };
}
