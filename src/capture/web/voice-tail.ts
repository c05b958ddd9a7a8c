/**
 * Whether the reader is still speaking when the planned recording time is up, from the
 * microphone's level, so the page keeps recording to the end of the last digit instead of
 * cutting it off. Shared by the page and its evaluation (src/eval/capture-voice-tail.ts); no
 * DOM here, so Node runs the same code.
 */
export const VOICE_TAIL = {
  /** Planned recording; most readings end well inside it. */
  plannedMs: 5000,
  /** Longest recording: a careful four-digit reading takes 3-8 s (the server's maxDurationSec is 30). */
  maxMs: 8000,
  // Speech is gated with the digit check's constants (src/speech/speech-span.ts over
  // src/audio's voice activity), so the page stops about where the server would start cutting
  // silence away. The estimates differ, since the page sees the level as it comes: the loudest
  // single reading and the 10th-percentile level here, the mean of the loudest and of the
  // quietest tenth of the frames (after a 100 Hz high-pass) there.
  /** A pause this long ends the reading (the speech span's longest kept pause, MAX_PAUSE_SEC). */
  quietMs: 1000,
  /** Voice is within this of the loudest level so far (SILENCE_BELOW_LOUD_DB) ... */
  belowLoudDb: 40,
  /** ... and this far above the background (the speech span's floor rule). */
  aboveFloorDb: 6,
  /** The background is this quantile of the levels so far: readers are silent before and between digits. */
  floorQuantile: 0.1,
};

/** Levels in dBFS, one every few tens of milliseconds, with the time each was taken. */
export class VoiceTail {
  private readonly levels: number[] = [];
  private readonly times: number[] = [];

  constructor(private readonly rule = VOICE_TAIL) {}

  push(db: number, atMs: number): void {
    this.levels.push(Number.isFinite(db) ? db : -200);
    this.times.push(atMs);
  }

  /** True when a level within the last `quietMs` before `atMs` is voice by the rule. */
  speaking(atMs: number): boolean {
    const n = this.levels.length;
    if (n === 0) return false;
    const sorted = [...this.levels].sort((a, b) => a - b);
    const floor = sorted[Math.min(n - 1, Math.floor(this.rule.floorQuantile * n))] as number;
    const gate = Math.max((sorted[n - 1] as number) - this.rule.belowLoudDb, floor + this.rule.aboveFloorDb);
    for (let i = n - 1; i >= 0 && (this.times[i] as number) > atMs - this.rule.quietMs; i--) {
      if ((this.times[i] as number) <= atMs && (this.levels[i] as number) >= gate) return true;
    }
    return false;
  }

  /** When to stop: at the planned time unless the reader is still speaking, then once they stop or at the longest. */
  shouldStop(atMs: number): boolean {
    if (atMs < this.rule.plannedMs) return false;
    return atMs >= this.rule.maxMs || !this.speaking(atMs);
  }
}

/** RMS level in dBFS of samples in [-1, 1]. */
export function levelDb(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
  return 10 * Math.log10(sum / Math.max(1, samples.length) + 1e-20);
}
