import type { MessagePort } from 'node:worker_threads';
import type { RgbFrame } from '../core/frames.js';
import { trackFaces, type TrackOptions, type TrackResult } from '../vision/index.js';

/**
 * Two threads on one verification. Face tracking goes frame after frame on one thread; when
 * the pool has a second idle thread, the pool hands it a "helper" task joined to the
 * verification by a MessagePort. The helper says it is ready; the verification, once it has
 * probed the video, either lets it go or sends it the second half of the decoded frames as
 * they come out of the verification's own ffmpeg (transferred, not copied), and the helper
 * tracks them while the verification tracks the first half. One decoder for both halves: a
 * second ffmpeg seeking to the middle would decode again from the keyframe before it. A helper
 * that is not ready in time (its thread was busy after all), fails, or vanishes costs nothing
 * but the fallback: the verification decodes and tracks that half itself.
 */

type LeadMessage = { type: 'start'; track: TrackOptions } | { type: 'frame'; frame: RgbFrame } | { type: 'end' } | { type: 'cancel' };
type HelperMessage = { type: 'ready' } | { type: 'done'; track: TrackResult } | { type: 'failed'; reason: string };

/** Helper side: offers its thread, tracks the frames it is sent, or leaves when not needed. */
export async function helpTrack(port: MessagePort, waitMs: number): Promise<'tracked' | 'released' | 'abandoned' | 'failed'> {
  const frames: RgbFrame[] = [];
  let ended = false;
  let left = false;
  let wake: (() => void) | null = null;
  let started: ((opts: TrackOptions | null) => void) | null = null;
  const start = new Promise<TrackOptions | null>((resolve) => {
    started = resolve;
  });
  const timer = setTimeout(() => started?.(null), waitMs);
  port.on('message', (m: LeadMessage) => {
    if (m.type === 'start') started?.(m.track);
    else if (m.type === 'frame') frames.push(m.frame);
    else if (m.type === 'end') ended = true;
    else started?.(null);
    wake?.();
  });
  port.once('close', () => {
    left = true;
    started?.(null);
    wake?.();
  });
  try {
    port.postMessage({ type: 'ready' } satisfies HelperMessage);
    const opts = await start;
    clearTimeout(timer);
    if (!opts) return 'released';
    let abandoned = false;
    async function* received(): AsyncGenerator<RgbFrame> {
      for (;;) {
        const frame = frames.shift();
        if (frame) {
          yield frame;
          continue;
        }
        // A verification that failed or ended closes the port: stop tracking for it.
        if (left) {
          abandoned = true;
          return;
        }
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    }
    try {
      const track = await trackFaces(received(), opts);
      if (left) return abandoned ? 'abandoned' : 'released';
      port.postMessage({ type: 'done', track } satisfies HelperMessage, track.best.map((k) => k.frame.data.buffer as ArrayBuffer));
      return 'tracked';
    } catch (err) {
      port.postMessage({ type: 'failed', reason: err instanceof Error ? err.message : String(err) } satisfies HelperMessage);
      return 'failed';
    }
  } finally {
    clearTimeout(timer);
    port.close();
  }
}

/** Verification side of the port. */
export class TrackHelper {
  private isReady = false;
  private settle: ((m: HelperMessage | null) => void) | null = null;
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (m: HelperMessage) => {
      if (m.type === 'ready') this.isReady = true;
      else this.settle?.(m);
    });
    port.on('close', () => {
      this.closed = true;
      this.settle?.(null);
    });
  }

  /** True once the helper's thread has picked up its task and is waiting for work. */
  get ready(): boolean {
    return this.isReady && !this.closed;
  }

  /**
   * Has the helper track the frames it will be sent (`send`, then `end`); resolves to its
   * track, or null when it failed, left or took longer than timeoutMs.
   */
  async track(opts: TrackOptions, timeoutMs: number): Promise<TrackResult | null> {
    const reply = new Promise<HelperMessage | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      this.settle = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
    this.port.postMessage({ type: 'start', track: opts } satisfies LeadMessage);
    const m = await reply;
    this.release();
    return m?.type === 'done' ? m.track : null;
  }

  /** Sends a frame to the helper; its pixels move to the helper's thread. */
  send(frame: RgbFrame): void {
    if (!this.closed) this.port.postMessage({ type: 'frame', frame } satisfies LeadMessage, [frame.data.buffer as ArrayBuffer]);
  }

  /** No more frames: the helper finishes its track. */
  end(): void {
    if (!this.closed) this.port.postMessage({ type: 'end' } satisfies LeadMessage);
  }

  /** Lets the helper go (it returns at once); safe to call more than once. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.postMessage({ type: 'cancel' } satisfies LeadMessage);
    this.port.close();
  }
}

/**
 * Divides one stream of frames: the first `at` frames for this thread (`head`), the rest sent
 * to the helper as soon as they are decoded, so both threads track at the same time. Frames
 * for this thread wait in memory up to `maxQueued`; beyond that the decoder waits too.
 */
export function divideFrames(frames: AsyncGenerator<RgbFrame>, at: number, helper: TrackHelper, maxQueued: number): AsyncGenerator<RgbFrame> {
  const queue: RgbFrame[] = [];
  let done = false;
  let failure: unknown = null;
  let headStopped = false;
  let wakeHead = null as (() => void) | null;
  let wakePump = null as (() => void) | null;
  const pump = (async () => {
    let i = 0;
    try {
      for await (const frame of frames) {
        if (i++ < at) {
          if (headStopped) continue;
          queue.push(frame);
          wakeHead?.();
          while (queue.length >= maxQueued && !headStopped) {
            await new Promise<void>((resolve) => {
              wakePump = resolve;
            });
            wakePump = null;
          }
        } else {
          helper.send(frame);
        }
      }
    } catch (err) {
      failure = err;
    } finally {
      done = true;
      helper.end();
      wakeHead?.();
    }
  })();
  async function* head(): AsyncGenerator<RgbFrame> {
    try {
      for (;;) {
        const frame = queue.shift();
        if (frame) {
          wakePump?.();
          yield frame;
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => {
          wakeHead = resolve;
        });
        wakeHead = null;
      }
      await pump;
      if (failure) throw failure;
    } finally {
      headStopped = true;
      queue.length = 0;
      wakePump?.();
    }
  }
  return head();
}
