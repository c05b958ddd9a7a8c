import type { RgbFrame } from '../core/frames.js';
import type { Readable } from 'node:stream';
import { inputArgs, outputSize, readAll, startFfmpeg, TIMED_OUT, toFloat32, type FfmpegChild } from './ffmpeg-child.js';
import { MediaError } from './errors.js';
import { judgeInput, type ProbeLimits, type VideoInfo } from './probe.js';

export const SAMPLE_RATE = 16_000;

export interface DecodeOptions {
  /** Analysis frame rate: the fps filter drops or repeats frames to this rate. */
  fps: number;
  /** Frames are scaled down (never up) so that their long side is at most this. */
  longSide: number;
  maxDurationSec: number;
  timeoutMs: number;
}

export interface MediaDecodeOptions extends DecodeOptions {
  /** Also decode the first audio stream (the upload must have one, or ffmpeg fails). */
  audio: boolean;
  /** Frames start here (seconds); their `t` counts from the start of the video. */
  fromSec?: number;
}

export interface MediaStreams {
  /** Downscaled RGB frames at a fixed rate, upright (ffmpeg applies rotation metadata). */
  frames: AsyncGenerator<RgbFrame>;
  /** 16 kHz mono float PCM; null when audio was not asked for. */
  audio: Promise<Float32Array | null>;
}

/** A decode started before the upload was probed: the frames can be cut once their size is known. */
export interface PendingMedia {
  /** The frames, at the size the probe implies (`frameSize(info, longSide)`); call once. */
  frames(size: { width: number; height: number }): AsyncGenerator<RgbFrame>;
  audio: Promise<Float32Array | null>;
  /**
   * The upload judged as probeVideo judges it, from ffmpeg's own description of its input: no
   * separate ffprobe process. Rejects with MediaError VIDEO_INVALID (-5001) as probeVideo does.
   */
  probe(limits: ProbeLimits): Promise<VideoInfo>;
  /** Stops ffmpeg (the probe refused the upload, or the frames will be decoded another way). */
  cancel(): void;
}

/** The float PCM an ffmpeg child writes to `stream`; a failure counts only when nothing came out. */
async function readPcm(child: FfmpegChild, stream: Readable, maxDurationSec: number): Promise<Float32Array> {
  const buf = await readAll(stream, (maxDurationSec + 1) * SAMPLE_RATE * 4, 'audio track');
  await child.exited;
  const why = child.failure();
  if (why && buf.length === 0) throw new MediaError('VIDEO_INVALID', `audio could not be decoded: ${why}`);
  return toFloat32(buf);
}

/**
 * Decoded frames waiting for the consumer, in bytes. Reading ahead lets ffmpeg reach the end of
 * a short clip (and so finish its audio) while the face tracker is still on the first frames;
 * beyond this ffmpeg is paused, so a long video never sits in memory whole.
 */
const READ_AHEAD_BYTES = 48 * 1024 * 1024;

/**
 * The analysis size as an ffmpeg expression over the input size, the same arithmetic as
 * `outputSize` (long side at most `longSide`, never up, even numbers): ffmpeg can start
 * decoding before ffprobe has said how large the video is.
 */
function scaleFilter(longSide: number): string {
  const side = (v: 'iw' | 'ih'): string => `max(2,round(${v}*min(1,${longSide}/max(iw,ih))/2)*2)`;
  return `scale=w='${side('iw')}':h='${side('ih')}':flags=area`;
}

/**
 * One ffmpeg child process decodes the frames (stdout) and, when asked, the audio (fd 3) of an
 * upload: one process start-up instead of two, which is most of what decoding a short clip costs.
 * It may start before the probe: the bytes wait until `frames(size)` knows how to cut them.
 */
export function startMediaDecode(path: string, opts: MediaDecodeOptions): PendingMedia {
  const from = opts.fromSec ?? 0;
  const videoSec = Math.max(0, opts.maxDurationSec - from);
  const args = [...inputArgs(path, from, true), '-map', '0:v:0', '-an', '-t', videoSec.toFixed(3)];
  args.push('-vf', `fps=${opts.fps},${scaleFilter(opts.longSide)}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  if (opts.audio) args.push('-map', '0:a:0', '-vn', '-t', String(opts.maxDurationSec), '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', 'pipe:3');
  const child = startFfmpeg(args, opts.timeoutMs, opts.audio);

  const audio: Promise<Float32Array | null> = child.fd3 ? readPcm(child, child.fd3, opts.maxDurationSec) : Promise.resolve(null);
  // Awaited by the caller; a rejection must not count as unhandled before then.
  audio.catch(() => undefined);

  const queue: Uint8Array[] = [];
  /** Bytes that came before the frame size was known. */
  const early: Buffer[] = [];
  let earlyBytes = 0;
  let frameBytes = 0;
  let wake: (() => void) | null = null;
  let ended = false;
  let current = new Uint8Array(0);
  let filled = 0;
  let stopped = false;
  const stdout = child.stdout;
  const cut = (chunk: Buffer): void => {
    let pos = 0;
    while (pos < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - pos);
      current.set(chunk.subarray(pos, pos + n), filled);
      filled += n;
      pos += n;
      if (filled === frameBytes) {
        queue.push(current);
        current = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
  };
  stdout.on('data', (chunk: Buffer) => {
    if (stopped) return;
    if (frameBytes === 0) {
      early.push(chunk);
      earlyBytes += chunk.length;
    } else {
      cut(chunk);
    }
    if (queue.length * frameBytes + earlyBytes > READ_AHEAD_BYTES) stdout.pause();
    wake?.();
  });
  stdout.on('end', () => {
    ended = true;
    wake?.();
  });
  stdout.on('error', () => {
    ended = true;
    wake?.();
  });

  const stop = (): void => {
    stopped = true;
    queue.length = 0;
    early.length = 0;
    if (child.fd3) stdout.resume();
    else child.kill();
  };

  async function* frames(width: number, height: number): AsyncGenerator<RgbFrame> {
    frameBytes = width * height * 3;
    current = new Uint8Array(frameBytes);
    for (const chunk of early.splice(0)) cut(chunk);
    earlyBytes = 0;
    let count = 0;
    try {
      for (;;) {
        const data = queue.shift();
        if (data) {
          if (stdout.isPaused() && queue.length * frameBytes < READ_AHEAD_BYTES / 2) stdout.resume();
          yield { width, height, data, t: from + count / opts.fps };
          count++;
          continue;
        }
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
      await child.exited;
      const why = child.failure();
      // A damaged tail is tolerated when frames came out; the checks judge what was decoded.
      if (count === 0 || why === TIMED_OUT) throw new MediaError('VIDEO_INVALID', `video could not be decoded: ${why ?? 'no frames'}`);
    } finally {
      // A consumer that stops early must not leave ffmpeg running, but the audio may still be
      // coming: then the rest of the frames is discarded and ffmpeg ends on its own (or times out).
      stop();
    }
  }
  const probe = async (limits: ProbeLimits): Promise<VideoInfo> => {
    // The description comes before the first frame; one that takes longer than ffprobe was given is refused as ffprobe's was.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), limits.timeoutMs);
    });
    const facts = await Promise.race([child.input, late]).finally(() => clearTimeout(timer));
    if (facts === 'late') {
      child.kill();
      throw new MediaError('VIDEO_INVALID', 'probing took too long');
    }
    if (!facts) throw new MediaError('VIDEO_INVALID', child.failure() === TIMED_OUT ? 'probing took too long' : 'not a decodable video');
    return judgeInput(facts, limits);
  };
  return {
    frames: ({ width, height }) => frames(width, height),
    audio,
    probe,
    cancel: () => {
      stopped = true;
      child.kill();
    },
  };
}

/** Frames and audio of a probed upload (see startMediaDecode). */
export function decodeMedia(path: string, info: VideoInfo, opts: MediaDecodeOptions): MediaStreams {
  const pending = startMediaDecode(path, opts);
  return { frames: pending.frames(outputSize(info, opts.longSide)), audio: pending.audio };
}

/** Frames only (see decodeMedia). */
export function decodeFrames(path: string, info: VideoInfo, opts: DecodeOptions & Pick<MediaDecodeOptions, 'fromSec'>): AsyncGenerator<RgbFrame> {
  return decodeMedia(path, info, { ...opts, audio: false }).frames;
}

/** 16 kHz mono float PCM of the first audio stream, capped at maxDurationSec; any audio or video file. */
export async function decodeAudio(path: string, opts: Pick<DecodeOptions, 'maxDurationSec' | 'timeoutMs'>): Promise<Float32Array> {
  const args = [...inputArgs(path), '-map', '0:a:0', '-vn', '-t', String(opts.maxDurationSec)];
  args.push('-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', 'pipe:1');
  const child = startFfmpeg(args, opts.timeoutMs);
  try {
    return await readPcm(child, child.stdout, opts.maxDurationSec);
  } finally {
    child.kill();
  }
}

export function frameSize(info: VideoInfo, longSide: number): { width: number; height: number } {
  return outputSize(info, longSide);
}
