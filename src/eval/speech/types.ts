import type { Proportion } from '../metrics.js';
import type { DigitConfig, HmmReadings } from '../../speech/verify.js';
import type { Confusions } from './confusions.js';
import type { Channel, Pace } from './strings.js';
import type { Lang, VoiceEntry } from './voices.js';

/** The shapes that pass between the speech evaluation's stages: scoring, judging, figures, report. */

export interface SpeechEvalOptions {
  data: string;
  /**
   * The configured digit thresholds: the shipped model's negatives are judged at them; held-out
   * voices at their fit and duration floors, with threshold and margin floor chosen per fold.
   */
  digits: DigitConfig;
  /** Folder with fold<k>/digits.onnx; default training/work/folds when it holds any, else models/speech-folds. */
  folds?: string;
  out?: string;
  json?: boolean;
  /** Readings per pace per voice (each also through the phone channel); default DEFAULT_PER_PACE. */
  perPace?: number;
  log?: (line: string) => void;
  /** Folder keeping each voice's scores between runs (score-cache.ts); none by default. */
  cache?: string;
}

export interface CaseScore {
  digits: string;
  /** What the model heard (greedy reading), for the confusion table. */
  heard: string;
  pace: Pace;
  channel: Channel;
  secPerSyllable: number;
  /** The digit model's margin for the reading and for each impostor string. */
  model: number;
  impostorModels: number[];
  /** Whether the digit model heard Mandarin (its acceptances are then held to the second reading's fit). */
  zh: boolean;
  /** The Mandarin second reading of the reading and of each impostor string, per vocal-tract warp (null: too short to read). */
  hmm: HmmReadings | null;
  impostorHmms: (HmmReadings | null)[];
}

/** A case judged at one margin floor of the second reading. */
export interface JudgedCase extends CaseScore {
  /** The verdict's score: the digit model's margin, raised when the Mandarin second reading accepts (-Infinity when its fit turns the claim down). */
  genuine: number;
  impostors: number[];
  /** The digit model's margin alone on the same scale (less the Mandarin extra where it heard Mandarin). */
  modelAlone: number;
  /** Whether the second reading accepted the reading, and how many impostor strings it accepted. */
  mandarin: boolean;
  mandarinImpostors: number;
}

export interface VoiceFigures {
  id: string;
  lang: Lang;
  sex: string;
  accent: string;
  fold: number | null;
  threshold: number;
  /** The threshold for the recordings the digit model heard as Mandarin (threshold + the chosen extra). */
  mandarinThreshold: number;
  /** The second reading's margin floor and largest warp the voice was judged at (chosen with the threshold). */
  hmmMinMargin: number;
  hmmMaxWarp: number;
  /** Where the threshold came from: the other folds' held-out voices, or the config. */
  thresholdFrom: 'other folds' | 'configured';
  readings: number;
  /** Share of genuine readings accepted at `threshold`, overall and by pace and channel. */
  gar: number;
  garBy: Record<string, number>;
  /** Share of one-digit-off impostor strings accepted at `threshold`. */
  far: number;
  impostors: number;
  nonDigitTrials: number;
  nonDigitAccepted: number;
  /** Non-digit syllable strings, those the digit model heard as exactly four digits, and those whose heard four digits were accepted as a claim. */
  nonDigitRecordings: number;
  nonDigitHeardFour: number;
  nonDigitHeardAccepted: number;
  /** Readings lacking one digit of their claim (missingDigitCases) accepted at `threshold`. */
  missingTrials: number;
  missingAccepted: number;
  /** Digit takes of the voice left out as silent tracks (silentTake), by path. */
  silentTakes: string[];
  /** Takes cut off while the voice still sounds (cutTake), by path, and the digits all of whose takes are. */
  cutTakes: string[];
  cutDigits: number[];
  /** Genuine readings holding none of cutDigits, and the share of them accepted (null when there are none). */
  wholeReadings: number;
  wholeGar: number | null;
}

export interface LanguageFigures {
  voices: number;
  /** Share of genuine readings accepted by each part alone: the digit model at the voice's threshold, the Mandarin second reading. */
  modelGar: number;
  mandarinGar: number;
  /** Share of impostor strings the second reading alone accepted. */
  mandarinFar: number;
  meanGar: number;
  worst: { id: string; gar: number };
  pooledGar: number;
  fastGar: number;
  phoneGar: number;
  /** One-digit-off impostor strings accepted, pooled over the voices, with its 95% interval. */
  impostors: Proportion;
  /** Readings lacking one digit that were accepted, pooled over the voices, with its 95% interval. */
  missing: Proportion;
  /**
   * The same over readings spliced only from takes that end (no digit of cutDigits): mean and
   * worst over the voices that have such readings; how many voices have none.
   */
  whole: { voices: number; meanGar: number; worst: { id: string; gar: number }; voicesWithout: number } | null;
}

export interface SpeechEvalReport {
  mode: 'held-out folds' | 'shipped model, voices seen in training';
  model: string;
  configuredThreshold: number;
  configuredMandarinThreshold: number;
  /** The stricter of the two languages' 2% impostor points over every held-out reading, at the margin floor chosen on all of them. */
  recommendedThreshold: number | null;
  recommendedMandarinThreshold: number | null;
  recommendedHmmMinMargin: number | null;
  recommendedHmmMaxWarp: number | null;
  voices: VoiceFigures[];
  languages: Partial<Record<Lang, LanguageFigures>>;
  /** Per language: what was heard on the genuine readings, each judged at its voice's threshold. */
  confusions: Partial<Record<Lang, Confusions>>;
  nonDigit: { trials: number; accepted: number; maxScore: number; sources: string[]; heard: { recordings: number; fourDigits: number; accepted: number } };
  skipped: string[];
  msPer5sClip: number;
  /** The Mandarin second reading's time on its own, scaled to a 5 s clip (it runs only when the model does not accept). */
  mandarinMsPer5sClip: number;
  /** The configured digits.hmmMinFit, hmmMinMargin, hmmMinDigitSec and hmmMaxWarp. */
  hmmMinFit: number;
  hmmMinMargin: number;
  hmmMinDigitSec: number;
  hmmMaxWarp: number;
  markdown: string;
}

/** How the decision is judged: the second reading's margin floor and largest warp, and the Mandarin threshold's extra over minMargin. */
export interface HmmSetting {
  floor: number;
  maxWarp: number;
  zhExtra: number;
}

/** Milliseconds per 5 s clip of the digit model and of the Mandarin second reading. */
export interface Times {
  model: number[];
  mandarin: number[];
}

/** Both parts' scores of one claimed string. */
export interface ClaimScore {
  model: number;
  hmm: HmmReadings | null;
  zh: boolean;
}

export interface Scored {
  voice: VoiceEntry;
  fold: number | null;
  cases: CaseScore[];
  nonDigit: ClaimScore[];
  /**
   * Per non-digit recording the digit model heard as exactly four digits, the claim of those
   * digits: the claim that stands the best chance, where random claims almost never meet it.
   */
  nonDigitHeard: ClaimScore[];
  nonDigitRecordings: number;
  /** Readings lacking one digit, each claimed as the whole string: an attack the threshold is not chosen on. */
  missing: ClaimScore[];
  silentTakes: string[];
  /** Takes cut off while the voice still sounds (voices.ts cutTake), and the digits all of whose takes are. */
  cutTakes: string[];
  cutDigits: number[];
}

/** A voice's readings judged at one setting of the second reading. */
export interface Judged {
  voice: VoiceEntry;
  fold: number | null;
  at: HmmSetting;
  cases: JudgedCase[];
  nonDigit: number[];
  nonDigitHeard: number[];
  nonDigitRecordings: number;
  missing: number[];
  silentTakes: string[];
  cutTakes: string[];
  cutDigits: number[];
}
