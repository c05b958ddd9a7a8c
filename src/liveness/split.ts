import type { MessagePort } from 'node:worker_threads';
import type { RgbFrame } from '../core/frames.js';
import { decodeFrames, type DecodeOptions, type VideoInfo } from '../media/index.js';
import { trackFaces, type TrackOptions, type TrackResult } from '../vision/index.js';

/**
 * Two threads on one verification. Face tracking is most of a verification's time and runs
 * frame after frame on one thread; when the pool has a second idle thread, the pool hands it a
 * "helper" task joined to the verification by a MessagePort. The helper says it is ready; the
 * verification, once it has probed the video, either gives it the second half of the frames to
 * track or lets it go. A helper that is not ready in time (its thread was busy after all),
 * fails, or vanishes costs nothing but the fallback: the verification tracks that half itself.
 */

export interface PartRequest {
  path: string;
  info: VideoInfo;
  fromSec: number;
  decode: DecodeOptions;
  track: TrackOptions;
}

type LeadMessage = ({ type: 'start' } & PartRequest) | { type: 'cancel' };
type HelperMessage = { type: 'ready' } | { type: 'done'; track: TrackResult } | { type: 'failed'; reason: string };

/** Helper side: offers its thread, tracks the part it is given, or leaves when not needed. */
export async function helpTrack(port: MessagePort, waitMs: number): Promise<'tracked' | 'released' | 'abandoned' | 'failed'> {
  try {
    const next = new Promise<LeadMessage | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), waitMs);
      port.once('message', (m: LeadMessage) => {
        clearTimeout(timer);
        resolve(m);
      });
      port.once('close', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    port.postMessage({ type: 'ready' } satisfies HelperMessage);
    const msg = await next;
    if (msg?.type !== 'start') return 'released';
    let left = false;
    let abandoned = false;
    port.once('close', () => {
      left = true;
    });
    // A verification that failed or ended closes the port: stop decoding and tracking for it.
    async function* untilLeft(frames: AsyncGenerator<RgbFrame>): AsyncGenerator<RgbFrame> {
      for await (const frame of frames) {
        if (left) {
          abandoned = true;
          return;
        }
        yield frame;
      }
    }
    try {
      const frames = decodeFrames(msg.path, msg.info, { ...msg.decode, fromSec: msg.fromSec });
      const track = await trackFaces(untilLeft(frames), msg.track);
      if (left) return abandoned ? 'abandoned' : 'released';
      port.postMessage({ type: 'done', track } satisfies HelperMessage, track.best.map((k) => k.frame.data.buffer as ArrayBuffer));
      return 'tracked';
    } catch (err) {
      port.postMessage({ type: 'failed', reason: err instanceof Error ? err.message : String(err) } satisfies HelperMessage);
      return 'failed';
    }
  } finally {
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

  /** Has the helper track one part; null when it failed, left or took longer than timeoutMs. */
  async track(part: PartRequest, timeoutMs: number): Promise<TrackResult | null> {
    const reply = new Promise<HelperMessage | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      this.settle = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
    this.port.postMessage({ type: 'start', ...part } satisfies LeadMessage);
    const m = await reply;
    this.release();
    return m?.type === 'done' ? m.track : null;
  }

  /** Lets the helper go (it returns at once); safe to call more than once. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.postMessage({ type: 'cancel' } satisfies LeadMessage);
    this.port.close();
  }
}
