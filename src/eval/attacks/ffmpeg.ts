import { execFile } from 'node:child_process';
import { ffmpegPath, ffprobePath, PROTOCOL_WHITELIST } from '../../media/binaries.js';

/**
 * ffmpeg and ffprobe in a child process with a time limit. The generators only ever read local
 * files, so network protocols are refused like in the service's own decoder.
 */

/** Long enough for the slowest filter chain (screen recapture of an 8 s 844x844 clip) on a loaded core. */
export const DEFAULT_TIMEOUT_MS = 120_000;

export class AttackMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttackMediaError';
  }
}

function run(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `timed out after ${timeoutMs} ms` : stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new AttackMediaError(`${bin.split('/').pop()} failed: ${why}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/** Runs ffmpeg quietly, overwriting the output; args are everything after the global options. */
export function ffmpeg(args: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  return run(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], timeoutMs);
}

/** A local file input; the whitelist is a per-input option, so every file input gets it. */
export function input(path: string): string[] {
  return [...PROTOCOL_WHITELIST, '-i', path];
}

export interface MediaInfo {
  durationSec: number;
  /** null when there is no video stream. */
  width: number | null;
  height: number | null;
  hasAudio: boolean;
}

interface ProbeJson {
  format?: { duration?: string };
  streams?: { codec_type?: string; width?: number; height?: number }[];
}

export async function probe(path: string, timeoutMs = 30_000): Promise<MediaInfo> {
  const out = await run(
    ffprobePath(),
    ['-v', 'error', ...PROTOCOL_WHITELIST, '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', path],
    timeoutMs,
  );
  const json = JSON.parse(out) as ProbeJson;
  const video = json.streams?.find((s) => s.codec_type === 'video');
  const duration = Number(json.format?.duration);
  if (!Number.isFinite(duration)) throw new AttackMediaError(`${path}: no duration (not a media file?)`);
  return {
    durationSec: duration,
    width: video?.width ?? null,
    height: video?.height ?? null,
    hasAudio: json.streams?.some((s) => s.codec_type === 'audio') ?? false,
  };
}

/**
 * Output encoding shared by every generator: H.264/AAC in MP4, what phones and browsers upload.
 * The ultrafast preset because encoding was most of the generation time on the shared 2-core
 * machine; the pipeline decodes every preset alike.
 */
export const MP4_OUT = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart'];
