import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RgbFrame } from '../core/frames.js';
import { ffmpegPath, PROTOCOL_WHITELIST } from './binaries.js';
import { MediaError } from './errors.js';
import type { VideoInfo } from './probe.js';

export const SAMPLE_RATE = 16_000;

export interface DecodeOptions {
  /** Analysis frame rate: the fps filter drops or repeats frames to this rate. */
  fps: number;
  /** Frames are scaled down (never up) so that their long side is at most this. */
  longSide: number;
  maxDurationSec: number;
  timeoutMs: number;
}


function outputSize(info: VideoInfo, longSide: number): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(info.width, info.height));
  const even = (v: number): number => Math.max(2, Math.round((v * scale) / 2) * 2);
  return { width: even(info.width), height: even(info.height) };
}

async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new MediaError('VIDEO_INVALID', 'audio track exceeds the size limit');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

interface Child {
  stdout: Readable;
  exited: Promise<void>;
  /** Describes why the process failed, or null when it ended normally. */
  failure: () => string | null;
  kill: () => void;
}

function startFfmpeg(args: string[], timeoutMs: number): Child {
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  let timedOut = false;
  let code: number | null = null;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exited = new Promise<void>((resolve) => {
    child.on('close', (c) => {
      code = c;
      clearTimeout(timer);
      resolve();
    });
    child.on('error', (e) => {
      stderr ||= e.message;
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    stdout: child.stdout,
    exited,
    failure: () => (timedOut ? 'decoding took too long' : code === 0 ? null : stderr.split('\n')[0] || 'ffmpeg failed'),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const input = (path: string): string[] => ['-nostdin', '-hide_banner', '-v', 'error', ...PROTOCOL_WHITELIST, '-i', path];

/** 16 kHz mono float PCM of the first audio stream, capped at maxDurationSec. */
export async function decodeAudio(path: string, opts: Pick<DecodeOptions, 'maxDurationSec' | 'timeoutMs'>): Promise<Float32Array> {
  const args = [...input(path), '-map', '0:a:0', '-vn', '-t', String(opts.maxDurationSec)];
  args.push('-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', 'pipe:1');
  const child = startFfmpeg(args, opts.timeoutMs);
  try {
    const buf = await readAll(child.stdout, (opts.maxDurationSec + 1) * SAMPLE_RATE * 4);
    await child.exited;
    const why = child.failure();
    if (why && buf.length === 0) throw new MediaError('VIDEO_INVALID', `audio could not be decoded: ${why}`);
    // Copy into an aligned buffer: a concatenated Buffer may start at any byte offset.
    const pcm = new Float32Array(Math.floor(buf.length / 4));
    new Uint8Array(pcm.buffer).set(buf.subarray(0, pcm.length * 4));
    return pcm;
  } finally {
    child.kill();
  }
}

/**
 * Streams downscaled RGB frames at a fixed rate. ffmpeg applies rotation metadata itself
 * (autorotate), so frames come out upright. Backpressure pauses ffmpeg while the consumer works.
 */
export async function* decodeFrames(path: string, info: VideoInfo, opts: DecodeOptions): AsyncGenerator<RgbFrame> {
  const { width, height } = outputSize(info, opts.longSide);
  const frameBytes = width * height * 3;
  const args = [...input(path), '-map', '0:v:0', '-an', '-t', String(opts.maxDurationSec)];
  args.push('-vf', `fps=${opts.fps},scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const child = startFfmpeg(args, opts.timeoutMs);
  let current = new Uint8Array(frameBytes);
  let filled = 0;
  let count = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let pos = 0;
      while (pos < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - pos);
        current.set(chunk.subarray(pos, pos + n), filled);
        filled += n;
        pos += n;
        if (filled === frameBytes) {
          yield { width, height, data: current, t: count / opts.fps };
          count++;
          current = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    await child.exited;
    const why = child.failure();
    // A damaged tail is tolerated when frames came out; the checks judge what was decoded.
    if (count === 0 || why === 'decoding took too long') throw new MediaError('VIDEO_INVALID', `video could not be decoded: ${why ?? 'no frames'}`);
  } finally {
    // A consumer that stops early (or fails) must not leave ffmpeg running.
    child.kill();
  }
}

export function frameSize(info: VideoInfo, longSide: number): { width: number; height: number } {
  return outputSize(info, longSide);
}
