import type { AudioAnalysis } from '../audio/index.js';
import { analyzeAudio } from '../audio/index.js';
import type { Thresholds } from '../config/index.js';
import { SAMPLE_RATE } from '../media/index.js';
import { checkSync } from '../liveness/checks/sync.js';
import { shapeFits, syllableSync, type DigitSyncThresholds } from '../liveness/digit-sync.js';
import type { Evidence } from '../liveness/evidence.js';
import { pauseMotion } from '../liveness/pause-motion.js';
import { fillGaps, syncScore } from '../liveness/sync-score.js';
import type { Labial, VowelClass } from '../liveness/visemes.js';
import { pocketsphinxPhones, pocketsphinxWords } from './pocketsphinx.js';
import { verifyDigits, type DigitConfig, type DigitVerdict } from '../speech/index.js';
import type { FaceObservation } from '../vision/index.js';
import { findDigitVoices, readDigits, type DigitReading } from './attacks/digit-reading.js';

/**
 * The measurements behind the per-digit lip-sync thresholds (src/config/thresholds.ts, sync),
 * on the real clips of ../shared/data. No recording of anyone reading challenge digits exists,
 * so the bona fide side is real syllables: every one-syllable word of the 11 clips, timed by
 * pocketsphinx (forced to the transcript for GRID, its own recognition for the talking
 * clips) and looked for exactly as a digit is, from a spike placed where the speech model puts
 * one (late in the word). The other side is the same syllables' sound over the other faces,
 * and four digits read by other voices over each face (dubbed digits). Thresholds are chosen
 * leave-one-clip-out: each clip is judged with thresholds taken from the other ten.
 */

export interface StudyClip {
  name: string;
  grid: boolean;
  /** GRID's transcript; null for the talking clips. */
  sentence: string | null;
  /** The one digit a GRID sentence holds. */
  digit: string | null;
  faces: ReadonlyArray<FaceObservation | null>;
  fps: number;
  audio: AudioAnalysis;
  pcm: Float32Array;
}

export interface StudyWord {
  word: string;
  startSec: number;
  endSec: number;
  /** One-syllable words: the vowel's shape class ([] for a neutral vowel); null for longer words. */
  vowels: VowelClass[] | null;
  /** A b, p, m (bilabial) or f, v (labiodental) in the word. */
  labial: Labial | null;
}

/** CMU vowels by lip shape; AH and ER (neutral) have none. */
const VOWEL_CLASS: Record<string, VowelClass | null> = {
  AA: 'open', AE: 'open', AW: 'open', AY: 'open', AH: null, ER: null,
  AO: 'rounded', OW: 'rounded', OY: 'rounded', UH: 'rounded', UW: 'rounded',
  EH: 'spread', EY: 'spread', IH: 'spread', IY: 'spread',
};

/**
 * Where the speech model's spike falls in a word, as a share of the word from its start: on
 * isolated digits it was 0.6-0.9 of the word (median about 0.75), sometimes just after it.
 */
export const SPIKE_POSITION = 0.75;

export async function clipWords(clip: StudyClip): Promise<StudyWord[]> {
  const words = await pocketsphinxWords(clip.pcm, clip.sentence);
  const phones = await pocketsphinxPhones(words.map((w) => w.word));
  return words.map((w) => {
    const ph = phones.get(w.word) ?? [];
    const vowels = ph.filter((p) => p in VOWEL_CLASS);
    const cls = vowels.length === 1 ? VOWEL_CLASS[vowels[0]] : undefined;
    const labial = ph.some((p) => ['B', 'P', 'M'].includes(p)) ? 'bilabial' : ph.some((p) => ['F', 'V'].includes(p)) ? 'labiodental' : null;
    return { ...w, vowels: vowels.length === 1 ? (cls ? [cls] : []) : null, labial };
  });
}

export interface SyllableRow {
  face: string;
  audio: string;
  own: boolean;
  word: string;
  vowels: VowelClass[];
  labial: Labial | null;
  rise: number;
  height: number;
  width: number;
  onsetGapSec: number | null;
  closure: number | null;
}

/** Looks for nothing: every threshold open, so the rows carry the raw measurements. */
const OPEN: DigitSyncThresholds = { minOpenHeight: -Infinity, maxRoundedWidth: Infinity, minSpreadWidth: -Infinity };

const lagOf = (clip: StudyClip, audio: AudioAnalysis, th: Thresholds): number =>
  syncScore({ mouth: clip.faces.map((f) => f?.lips ?? null), fps: clip.fps, envelope: audio.bandEnvelope, envelopeRate: audio.envelopeRate, maxLagSec: th.sync.maxLagSec, searchSec: th.sync.searchSec })?.lagSec ?? 0;

/** Every one-syllable word of every clip's sound, over its own face and over each other face. */
export function syllableRows(clips: StudyClip[], words: Map<string, StudyWord[]>, th: Thresholds): SyllableRow[] {
  const rows: SyllableRow[] = [];
  for (const face of clips) {
    for (const voice of clips) {
      const list = (words.get(voice.name) ?? []).filter((w) => w.endSec < face.faces.length / face.fps);
      const syllables = list.map((w) => {
        const spike = w.startSec + SPIKE_POSITION * (w.endSec - w.startSec);
        return { label: w.word, startSec: spike, endSec: spike, vowels: w.vowels ?? [], labial: w.labial };
      });
      const r = syllableSync({ syllables, faces: face.faces, fps: face.fps, envelope: voice.audio.bandEnvelope, envelopeRate: voice.audio.envelopeRate, lagSec: lagOf(face, voice.audio, th) }, OPEN);
      r?.digits.forEach((d, i) => {
        if (list[i].vowels === null) return;
        rows.push({
          face: face.name,
          audio: voice.name,
          own: face === voice,
          word: d.digit,
          vowels: list[i].vowels ?? [],
          labial: list[i].labial,
          rise: d.rise,
          height: d.shape.height,
          width: d.shape.width,
          onsetGapSec: d.onsetGapSec,
          closure: d.labial.closure,
        });
      });
    }
  }
  return rows;
}

/** The value below which a share `q` of the sorted values lie (nearest rank, rounded down). */
function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.floor(q * (s.length - 1))))] ?? NaN;
}

/**
 * Per-digit shape thresholds from genuine syllables: each lets through all but `tail` of its
 * class (the open vowels' height, the spread vowels' width from below, the rounded vowels'
 * width from above).
 */
export function syllableThresholds(genuine: SyllableRow[], tail: number): DigitSyncThresholds {
  const of = (c: VowelClass, key: 'height' | 'width'): number[] => genuine.filter((r) => r.vowels.includes(c)).map((r) => r[key]);
  return {
    minOpenHeight: percentile(of('open', 'height'), tail),
    maxRoundedWidth: percentile(of('rounded', 'width'), 1 - tail),
    minSpreadWidth: percentile(of('spread', 'width'), tail),
  };
}

export const syllableMatches = (r: SyllableRow, th: DigitSyncThresholds): boolean => shapeFits(r.vowels, r.height, r.width, th);

export interface HeldOut {
  clip: string;
  thresholds: DigitSyncThresholds;
  matched: number;
  syllables: number;
  /** Runs of four consecutive syllables with at least `share` matched, out of all such runs. */
  groupsPassing: number;
  groups: number;
}

/** Leave-one-clip-out: each clip's own syllables judged with thresholds from the other clips. */
export function leaveOneClipOut(rows: SyllableRow[], tail: number, share: number): HeldOut[] {
  const genuine = rows.filter((r) => r.own);
  return [...new Set(genuine.map((r) => r.face))].map((clip) => {
    const thresholds = syllableThresholds(genuine.filter((r) => r.face !== clip), tail);
    const mine = genuine.filter((r) => r.face === clip).map((r) => syllableMatches(r, thresholds));
    let groupsPassing = 0;
    let groups = 0;
    for (let i = 0; i + 4 <= mine.length; i += 4) {
      groups++;
      if (mine.slice(i, i + 4).filter(Boolean).length >= Math.ceil(share * 4)) groupsPassing++;
    }
    return { clip, thresholds, matched: mine.filter(Boolean).length, syllables: mine.length, groupsPassing, groups };
  });
}

/** The pause-motion threshold from genuine clips: this much above the largest of them. */
export const PAUSE_MARGIN = 1.2;

export function pauseThreshold(genuine: number[]): number {
  return PAUSE_MARGIN * Math.max(...genuine);
}

/** Pause motion (pause-motion.ts) of a face under a sound track. */
export function pauseRatio(clip: StudyClip, audio: AudioAnalysis): number | null {
  const height = fillGaps(clip.faces.map((f) => f?.shape?.height ?? null));
  return height ? pauseMotion(height, clip.fps, audio.segments).ratio : null;
}

/** The sync check as the pipeline runs it, for a face under a sound track and a digit verdict. */
export function syncWith(clip: StudyClip, audio: AudioAnalysis, verdict: DigitVerdict | null, th: Thresholds): ReturnType<typeof checkSync> {
  const ev: Evidence = {
    info: null,
    invalidReason: null,
    pcm: null,
    audio,
    track: { frameCount: clip.faces.length, width: 0, height: 0, faces: [...clip.faces], best: [], pad: [], ms: 0 },
    fps: clip.fps,
    attack: null,
    digits: verdict ? { verdict } : null,
    stageMs: {},
  };
  return checkSync(ev, th);
}

export interface DubbedCase {
  face: string;
  reading: DigitReading;
  verdict: DigitVerdict;
  audio: AudioAnalysis;
}

/** `perFace` dubbed-digit sound tracks for each face, voices drawn in turn from a seeded order; heard with the configured digit thresholds. */
export async function dubbedDigitCases(clips: StudyClip[], dataDir: string, perFace: number, rng: () => number, digits: DigitConfig): Promise<DubbedCase[]> {
  const voices = await findDigitVoices(dataDir);
  if (voices.length === 0) return [];
  const out: DubbedCase[] = [];
  let next = Math.floor(rng() * voices.length);
  for (const face of clips) {
    const talk = face.audio.segments;
    const layout = { durationSec: face.faces.length / face.fps, talkFromSec: talk[0]?.start ?? 0, talkToSec: talk[talk.length - 1]?.end ?? face.faces.length / face.fps };
    for (let k = 0; k < perFace; k++) {
      const reading = await readDigits(voices[next++ % voices.length], rng, layout);
      out.push({ face: face.name, reading, verdict: await verifyDigits(reading.pcm, reading.digits, digits), audio: analyzeAudio(reading.pcm, SAMPLE_RATE) });
    }
  }
  return out;
}
