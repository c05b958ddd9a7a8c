import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ffmpegPath, INPUT_GUARDS } from './binaries.js';
import { MediaError } from './errors.js';
import { InputDumpReader } from './input-dump.js';
import type { InputFacts, VideoInfo } from './probe.js';

/** An ffmpeg child process whose outputs are pipes: stdout, and fd 3 when asked for. */
export interface FfmpegChild {
  stdout: Readable;
  /** File descriptor 3, when started with `extraPipe`. */
  fd3: Readable | null;
  exited: Promise<void>;
  /** Describes why the process failed, or null when it ended normally. */
  failure: () => string | null;
  /**
   * What ffmpeg's description of its input says (with `describeInput` in inputArgs), as soon as
   * the description is complete; null when none came (the input could not be opened).
   */
  input: Promise<InputFacts | null>;
  kill: () => void;
}

export const TIMED_OUT = 'decoding took too long';

/** Splits a text stream into lines; a line longer than `maxLine` (a page of metadata) is dropped whole. */
class LineSplitter {
  private partial = '';
  private dropping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 16 * 1024,
  ) {}

  write(text: string): void {
    const parts = text.split('\n');
    const last = parts.pop() as string;
    for (const part of parts) {
      if (!this.dropping) this.onLine(this.partial + part);
      this.partial = '';
      this.dropping = false;
    }
    this.partial += last;
    if (this.partial.length > this.maxLine) {
      this.partial = '';
      this.dropping = true;
    }
  }

  end(): void {
    if (this.partial && !this.dropping) this.onLine(this.partial);
    this.partial = '';
  }
}

export function startFfmpeg(args: string[], timeoutMs: number, extraPipe = false): FfmpegChild {
  const child = spawn(ffmpegPath(), args, { stdio: extraPipe ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const dump = new InputDumpReader();
  let settleInput: (facts: InputFacts | null) => void = () => undefined;
  const input = new Promise<InputFacts | null>((resolve) => {
    settleInput = resolve;
  });
  const lines = new LineSplitter((line) => {
    const level = line.match(/^\[(\w+)\] /)?.[1];
    // Untagged lines come from `-v error`, where everything written is an error.
    if (level === undefined || level === 'error' || level === 'fatal' || level === 'panic') {
      if (stderr.length < 4000) stderr += `${level ? line.slice(level.length + 3) : line}\n`;
    } else if (level === 'info' && dump.push(line)) {
      settleInput(dump.facts());
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => lines.write(d));
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
      lines.end();
      settleInput(dump.facts());
      resolve();
    });
    child.on('error', (e) => {
      stderr ||= e.message;
      clearTimeout(timer);
      settleInput(null);
      resolve();
    });
  });
  return {
    stdout: child.stdout as Readable,
    fd3: extraPipe ? (child.stdio[3] as Readable) : null,
    exited,
    failure: () => (timedOut ? TIMED_OUT : code === 0 ? null : stderr.split('\n')[0] || 'ffmpeg failed'),
    input,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Input options; `fromSec` seeks before decoding (frame-accurate: ffmpeg decodes from the keyframe
 * before). One decoder thread: the other cores are busy with face tracking, and on a 5 s 720p
 * clip `-threads 1` used 0.56 s of CPU against 0.67 s with ffmpeg's default threading.
 * (`-skip_loop_filter all` saved 0.04 s more but cost lip-sync accuracy on the small GRID
 * clips, which are upscaled, not downscaled: lowest genuine score 0.391 -> 0.277.)
 */
export function inputArgs(path: string, fromSec = 0, describeInput = false): string[] {
  const seek = fromSec > 0 ? ['-ss', fromSec.toFixed(3)] : [];
  // With describeInput ffmpeg also writes what ffprobe would say (see input-dump.ts), every line tagged with its level.
  const log = describeInput ? ['-loglevel', 'level+info', '-nostats'] : ['-v', 'error'];
  return ['-nostdin', '-hide_banner', ...log, ...INPUT_GUARDS, '-threads', '1', ...seek, '-i', path];
}

/** Analysed frame size: scaled down (never up) to the long side, even dimensions. */
export function outputSize(info: Pick<VideoInfo, 'width' | 'height'>, longSide: number): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(info.width, info.height));
  const even = (v: number): number => Math.max(2, Math.round((v * scale) / 2) * 2);
  return { width: even(info.width), height: even(info.height) };
}

export async function readAll(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new MediaError('VIDEO_INVALID', `${what} exceeds the size limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Float PCM from bytes; copied because a concatenated Buffer may start at any byte offset. */
export function toFloat32(buf: Buffer): Float32Array {
  const pcm = new Float32Array(Math.floor(buf.length / 4));
  new Uint8Array(pcm.buffer).set(buf.subarray(0, pcm.length * 4));
  return pcm;
}
