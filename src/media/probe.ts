import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { ffprobePath, PROTOCOL_WHITELIST } from './binaries.js';
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

/**
 * Probes an upload in a child process with a time limit. Throws MediaError VIDEO_INVALID (-5001)
 * for anything that is not a decodable video of acceptable length; low resolution (-5015) and a
 * missing audio stream (-5007) are returned so that the checks after them still run and report.
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
  const container = parsed.format?.format_name ?? '';
  if (!container.split(',').some((c) => CONTAINERS.has(c))) throw invalid(`unsupported container "${container || 'unknown'}"`);
  const video = parsed.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height);
  if (!video?.width || !video.height) throw invalid('no video stream');
  const audio = parsed.streams.find((s) => s.codec_type === 'audio');

  const rotation = Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0) || 0;
  const quarter = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const width = quarter ? video.height : video.width;
  const height = quarter ? video.width : video.height;
  const durationSec = seconds(parsed.format?.duration) ?? seconds(video.duration);
  if (durationSec !== null && durationSec > limits.maxDurationSec) {
    throw invalid(`video is ${durationSec.toFixed(1)} s long, the limit is ${limits.maxDurationSec} s`);
  }
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  return {
    container,
    videoCodec: video.codec_name ?? 'unknown',
    width,
    height,
    rotation,
    durationSec,
    fps: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    audioCodec: audio ? (audio.codec_name ?? 'unknown') : null,
    resolutionOk: short >= limits.minShortSide && long >= limits.minLongSide,
  };
}
