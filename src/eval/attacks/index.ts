import type { CheckName } from '../../core/inference.js';
import type { AttackType } from '../types.js';

export { audioShift } from './audio-shift.js';
export { dubbing } from './dubbing.js';
export { dubbedDigits } from './dubbed-digits.js';
export { findDigitVoices, readDigits, type DigitReading, type DigitVoice } from './digit-reading.js';
export { extractFrame } from './frame.js';
export { heavyReencode } from './heavy-reencode.js';
export { lowResolution } from './low-resolution.js';
export { noAudio } from './no-audio.js';
export { findSpoofPhotos, greyscalePhoto, uprightPhoto, type SpoofPhoto, type SpoofScan } from './real-spoof.js';
export { screenRecapture } from './screen-recapture.js';
export { phoneReplay, printedPhoto, screenReplay } from './scene/attacks.js';
export { silentAudio } from './silent-audio.js';
export { stillPhoto } from './still-photo.js';
export { warpedPhoto } from './warped-photo.js';
export { wrongDigits } from './wrong-digits.js';
export { AttackMediaError, probe, type MediaInfo } from './ffmpeg.js';

export interface Judging {
  description: string;
  /** Checks whose verdict decides the case (the system decision, less the exclusions). */
  judgedBy: CheckName[];
  /** Checks designed to catch this attack: its scores go into those checks' error-rate curves. */
  targets: CheckName[];
  /** Checks left out, and why: a failure that only the way the case was built would cause. */
  excluded: { check: CheckName; why: string }[];
}

const ALL: CheckName[] = ['video', 'audio', 'face', 'mouth', 'digits', 'sync', 'presentation'];

const NO_DIGIT_READING = 'the real clips do not read the challenge digits, so the digit check would reject every case for that alone';

function judging(description: string, targets: CheckName[], excluded: Judging['excluded']): Judging {
  return { description, judgedBy: ALL.filter((c) => !excluded.some((e) => e.check === c)), targets, excluded };
}

const withoutDigits = (description: string, targets: CheckName[]): Judging =>
  judging(description, targets, [{ check: 'digits', why: NO_DIGIT_READING }]);

const PHOTO: CheckName[] = ['mouth', 'sync', 'presentation'];

/** The challenge is spoken, so only the speech model's hearing of that voice could fail the digits. */
const SPOKEN_BY_ANOTHER = {
  check: 'digits' as const,
  why: 'the challenge digits are spoken by construction; whether the speech model hears that voice is measured on honest readings by the speech evaluation, and counting its misses here would score a weakness as a detection (the per-digit lip evidence is judged when the model does hear them)',
};

/** Bona fide clips: real people speaking, but none of them reads four challenge digits. */
export const GENUINE_JUDGING: Judging = withoutDigits('real speaking clip (GRID corpus or talking-head clip) with its own audio', []);

export const ATTACKS: Record<AttackType, Judging> = {
  'wrong-digits': judging('live face with a recording of four other digits than the challenge (FSDD voices)', ['digits'], [
    {
      check: 'sync',
      why: 'the digit audio is pasted onto a face saying other words, so lip-sync would fail for that alone; a person reading wrong digits is in sync',
    },
  ]),
  dubbing: withoutDigits("one person's face with another person's voice", ['sync', 'presentation']),
  'dubbed-digits': judging('a talking face (saying other words) with the four challenge digits read by another voice: FSDD, Speech Commands and Mandarin voices, spread over the part where the face talks', ['sync', 'presentation'], [SPOKEN_BY_ANOTHER]),
  'replayed-voice': judging("a GRID clip's own voice, whose sentence holds the challenge digit, over another talking face", ['sync', 'presentation'], [SPOKEN_BY_ANOTHER]),
  'audio-shift-0.5s': withoutDigits("the clip's own speech delayed by 0.5 s", ['sync']),
  'audio-shift-1s': withoutDigits("the clip's own speech delayed by 1 s", ['sync']),
  'still-photo': withoutDigits('a still frame of the person (or a real selfie photo) with genuine speech audio', PHOTO),
  'warped-photo': withoutDigits('the same photo zoomed, panned, rotated and keystoned in 2D, with genuine speech audio', PHOTO),
  'no-audio': withoutDigits('the live clip with its sound track removed', ['audio']),
  'silent-audio': withoutDigits('the live clip with a sound track of digital silence', ['audio']),
  'low-resolution': withoutDigits('the live clip scaled to a third of its size', ['video']),
  'heavy-reencode': withoutDigits('the live clip through a 1/4-size CRF 45 encode, scaled back to its size', ['presentation']),
  'screen-recapture': withoutDigits('the live clip as if filmed off a monitor: gamma, moire, glare, bezel', ['presentation']),
  'screen-replay': withoutDigits('simulated: the live clip played on a tablet or monitor held close to a hand-held camera (subpixel moire, gamma, glare, banding, bezel in or just out of view)', ['presentation']),
  'phone-replay': withoutDigits('simulated: the live clip played on a phone held up in the frame by a hand, a room around it', ['presentation']),
  'print-photo': withoutDigits('simulated: a still of the person printed on paper (margin, grain, gloss), held, bent and moved by hand, with genuine speech', PHOTO),
  'real-print-photo': withoutDigits('real printed-photo attack (spoof/), as a still and as a warped video with genuine speech', PHOTO),
  'real-screen-photo': withoutDigits('real screen-replay attack photo (spoof/), as a still and as a warped video with genuine speech', PHOTO),
};
