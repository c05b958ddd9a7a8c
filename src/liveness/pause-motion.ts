import type { SpeechSegment } from '../audio/index.js';

/**
 * Mouth movement while nobody speaks, relative to movement while someone does: the mean
 * frame-to-frame change of the outer lip height in the pauses (frames away from every speech
 * segment, from shortly before the first to shortly after the last) over the mean during the
 * speech. A speaker's mouth comes to rest between phrases; a face that says other words under
 * someone else's voice keeps moving while that voice pauses (between dubbed digits, say).
 */

/** Frames this close to speech belong to it: the mouth opens before the sound and closes after it. */
const SPEECH_MARGIN_SEC = 0.15;
/** The pauses looked at: from this long before the first speech to this long after the last. */
const READING_MARGIN_SEC = 0.6;
const MIN_PAUSE_FRAMES = 3;

export interface PauseMotion {
  /** Pause movement over speech movement; null with fewer than MIN_PAUSE_FRAMES pause frames or no movement. */
  ratio: number | null;
  pauseFrames: number;
}

export function pauseMotion(height: ReadonlyArray<number>, fps: number, speech: ReadonlyArray<SpeechSegment>): PauseMotion {
  if (speech.length === 0) return { ratio: null, pauseFrames: 0 };
  const first = speech[0].start - READING_MARGIN_SEC;
  const last = speech[speech.length - 1].end + READING_MARGIN_SEC;
  let during = 0;
  let nDuring = 0;
  let pause = 0;
  let nPause = 0;
  for (let i = 1; i + 1 < height.length; i++) {
    const t = i / fps;
    if (t < first || t > last) continue;
    const motion = Math.abs(height[i + 1] - height[i - 1]) / 2;
    if (speech.some((s) => t >= s.start && t <= s.end)) {
      during += motion;
      nDuring++;
    } else if (!speech.some((s) => t >= s.start - SPEECH_MARGIN_SEC && t <= s.end + SPEECH_MARGIN_SEC)) {
      pause += motion;
      nPause++;
    }
  }
  if (nPause < MIN_PAUSE_FRAMES || during === 0) return { ratio: null, pauseFrames: nPause };
  return { ratio: pause / nPause / (during / nDuring), pauseFrames: nPause };
}
