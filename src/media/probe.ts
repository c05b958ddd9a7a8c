import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { ffprobePath, MAX_VIDEO_PIXELS, PROTOCOL_WHITELIST } from './binaries.js';
import { MediaError } from './errors.js';
import { runTool } from './run.js';

export interface ProbeLimits {
  minShortSide: number;
  minLongSide: number;
  maxDurationSec: number;
  timeoutMs: number;
}

export interface VideoInfo {
  container: string;
  videoCodec: string;
  /** Display size: rotation metadata already applied. */
  width: number;
  height: number;
  rotation: number;
  /** Seconds; null when the container does not say (MediaRecorder webm). */
  durationSec: number | null;
  fps: number | null;
  /** null when there is no audio stream (-5007, decided by the audio check). */
  audioCodec: string | null;
  /** Resolution failure (-5015) is reported, not thrown: later checks still run on small videos. */
  resolutionOk: boolean;
}

/** Demuxers we accept; a still image or a text file also "has a video stream" to ffprobe. */
const CONTAINERS = new Set(['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'flv', 'avi', 'mpegts', 'mpeg']);

const Stream = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  duration: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() }).passthrough()).optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).passthrough().optional(),
});
const Probe = z.object({
  streams: z.array(Stream).default([]),
  format: z.object({ format_name: z.string().optional(), duration: z.string().optional() }).optional(),
});

const invalid = (why: string): MediaError => new MediaError('VIDEO_INVALID', why);

function rate(r: string | undefined): number | null {
  const m = r?.match(/^(\d+)\/(\d+)$/);
  if (!m || Number(m[2]) === 0) return null;
  const v = Number(m[1]) / Number(m[2]);
  return v > 0 && v < 1000 ? v : null;
}

function seconds(s: string | undefined): number | null {
  const v = s === undefined ? NaN : Number(s);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** What a probe learnt about an upload, before it is judged against the limits. */
export interface InputFacts {
  /** The demuxer's names, comma-separated ("mov,mp4,m4a,3gp,3g2,mj2"). */
  container: string;
  /** The first video stream that is not an attached picture (cover art), or null. */
  video: { codec: string; width: number; height: number; rotation: number; fps: number | null } | null;
  audioCodec: string | null;
  durationSec: number | null;
}

/**
 * The one judgement of an upload, whichever process described it (ffprobe here, or the decoding
 * ffmpeg, see input-dump.ts). Throws MediaError VIDEO_INVALID (-5001) for anything that is not a
 * decodable video of acceptable length; low resolution (-5015) and a missing audio stream (-5007)
 * are returned so that the checks after them still run and report.
 */
export function judgeInput(facts: InputFacts, limits: Omit<ProbeLimits, 'timeoutMs'>): VideoInfo {
  const { container, video } = facts;
  if (!container.split(',').some((c) => CONTAINERS.has(c))) throw invalid(`unsupported container "${container || 'unknown'}"`);
  if (!video || video.width <= 0 || video.height <= 0) throw invalid('no video stream');
  const quarter = Math.abs(Math.round(video.rotation / 90)) % 2 === 1;
  const width = quarter ? video.height : video.width;
  const height = quarter ? video.width : video.height;
  if (facts.durationSec !== null && facts.durationSec > limits.maxDurationSec) {
    throw invalid(`video is ${facts.durationSec.toFixed(1)} s long, the limit is ${limits.maxDurationSec} s`);
  }
  if (width * height > MAX_VIDEO_PIXELS) throw invalid(`video is ${width}x${height}, more pixels than 8192x4320`);
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  return {
    container,
    videoCodec: video.codec,
    width,
    height,
    rotation: video.rotation,
    durationSec: facts.durationSec,
    fps: video.fps,
    audioCodec: facts.audioCodec,
    resolutionOk: short >= limits.minShortSide && long >= limits.minLongSide,
  };
}

/**
 * Probes an upload with ffprobe in a child process with a time limit, then judges it
 * (judgeInput). The verification itself reads the same facts from its decoding ffmpeg instead
 * (one process start-up less); tools and tests use this.
 */
export async function probeVideo(path: string, limits: ProbeLimits): Promise<VideoInfo> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile() || st.size === 0) throw invalid('empty or missing upload');
  const res = await runTool(
    ffprobePath(),
    ['-v', 'error', ...PROTOCOL_WHITELIST, '-print_format', 'json', '-show_streams', '-show_format', path],
    limits.timeoutMs,
  );
  if (res.timedOut) throw invalid('probing took too long');
  if (res.code !== 0) throw invalid('not a decodable video');
  let parsed: z.infer<typeof Probe>;
  try {
    parsed = Probe.parse(JSON.parse(res.stdout));
  } catch {
    throw invalid('not a decodable video');
  }
  const video = parsed.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height);
  const audio = parsed.streams.find((s) => s.codec_type === 'audio');
  return judgeInput(
    {
      container: parsed.format?.format_name ?? '',
      video:
        video?.width && video.height
          ? {
              codec: video.codec_name ?? 'unknown',
              width: video.width,
              height: video.height,
              rotation: Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0) || 0,
              fps: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
            }
          : null,
      audioCodec: audio ? (audio.codec_name ?? 'unknown') : null,
      durationSec: seconds(parsed.format?.duration) ?? seconds(video?.duration),
    },
    limits,
  );
}
