import { outcome } from '../core/errors.js';
import type { VideoVerifyRequest, VideoVerifyResult } from '../core/inference.js';
import type { Thresholds } from '../config/index.js';
import { analyzeAudio } from '../audio/index.js';
import { decodeFrames, decodeMedia, frameSize, MediaError, SAMPLE_RATE, startMediaDecode, type MediaStreams, type ProbeLimits, type VideoInfo } from '../media/index.js';
import { attackScores, frameToJpeg, joinTracks, trackFaces, type TrackResult } from '../vision/index.js';
import { CHECKS } from './checks/index.js';
import { compareWithReference } from './compare-stage.js';
import { decide } from './decide.js';
import { runDigits } from './digits-stage.js';
import type { Evidence } from './evidence.js';
import { padSpacing, PIPELINE } from './settings.js';
import { divideFrames, type TrackHelper } from './split.js';

export interface VerifyHooks {
  /** Called as each stage ends (the CLI prints a progress line per stage). */
  onStage?: (stage: string, ms: number) => void;
  /** A second thread offered by the pool: it tracks the second half of the frames (split.ts). */
  helper?: TrackHelper;
}

/** Shorter videos are not split: the second thread's start-up would eat the gain. */
const MIN_SPLIT_SEC = 2;
/**
 * Decoded frames of the first half that may wait for this thread when the video is split (16 MB
 * at 480x270, on top of the decoder's own read-ahead); the helper's frames come after them.
 */
const SPLIT_QUEUE_FRAMES = 40;

/** The frame at which to split a video between two threads, or null to track it on one. */
function splitFrame(info: VideoInfo, helper: TrackHelper | undefined): number | null {
  if (!helper?.ready || info.durationSec === null || info.durationSec < MIN_SPLIT_SEC) return null;
  return Math.round((info.durationSec * PIPELINE.fps) / 2);
}

/** The probe's limits: the configured `video` thresholds and the pipeline's time limit. */
export function probeLimits(th: Thresholds): ProbeLimits {
  return { ...th.video, timeoutMs: PIPELINE.probeTimeoutMs };
}

const reason = (err: unknown): string => (err instanceof MediaError ? err.message : 'the video could not be decoded');

/**
 * The whole liveness pipeline for one upload: probe, then audio (analysis and digit
 * recognition) and frames (face, mesh, mouth, presentation-attack crops) in parallel, then the
 * presentation-attack models on frames spread over the clip, the checks in SPEC order, and the
 * optional face comparison.
 */
export async function verifyVideo(req: VideoVerifyRequest, th: Thresholds, hooks: VerifyHooks = {}): Promise<VideoVerifyResult> {
  try {
    return await runPipeline(req, th, hooks);
  } finally {
    hooks.helper?.release();
  }
}

async function runPipeline(req: VideoVerifyRequest, th: Thresholds, hooks: VerifyHooks): Promise<VideoVerifyResult> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const stageMs: Evidence['stageMs'] = {};
  const lap = (stage: string, since: number): number => {
    const ms = Math.round(performance.now() - since);
    timings[stage] = ms;
    hooks.onStage?.(stage, ms);
    return ms;
  };

  let info: VideoInfo | null = null;
  let invalidReason: string | null = null;
  let t = performance.now();
  const limits = { maxDurationSec: th.video.maxDurationSec, timeoutMs: PIPELINE.decodeTimeoutMs };
  const decode = { ...limits, fps: PIPELINE.fps, longSide: PIPELINE.longSide };
  // The decoding ffmpeg is also the probe: it describes the upload before its first frame, and
  // is stopped when that description refuses the upload. It assumes an audio stream (almost
  // every upload has one) and is restarted without when the description shows none.
  const early = startMediaDecode(req.videoPath, { ...decode, audio: true });
  try {
    info = await early.probe(probeLimits(th));
  } catch (err) {
    invalidReason = reason(err);
  }
  if (info?.audioCodec == null) early.cancel();
  stageMs.video = lap('probe', t);

  let pcm: Float32Array | null = null;
  let audio: Evidence['audio'] = null;
  let digits: Evidence['digits'] = null;
  let track: TrackResult | null = null;
  let attack: Evidence['attack'] = null;

  if (info) {
    const probed = info;
    const trackOpts = { minFaceScore: th.face.minFaceScore, keepBest: PIPELINE.keepBest, keyframeEvery: PIPELINE.keyframeEvery, padEverySec: padSpacing(probed.durationSec) };
    const split = splitFrame(probed, hooks.helper);
    if (split === null) hooks.helper?.release();
    const tv = performance.now();
    const media: MediaStreams =
      probed.audioCodec === null
        ? decodeMedia(req.videoPath, probed, { ...decode, audio: false })
        : { frames: early.frames(frameSize(probed, PIPELINE.longSide)), audio: early.audio };
    const audioSide = async (): Promise<void> => {
      const decoded = await media.audio;
      if (decoded === null) return;
      pcm = decoded;
      audio = analyzeAudio(decoded, SAMPLE_RATE);
      stageMs.audio = lap('audio', tv);
      const td = performance.now();
      digits = await runDigits(decoded, req.digits, th.digits);
      stageMs.digits = lap('digits', td);
    };
    const videoSide = async (): Promise<void> => {
      if (split === null) {
        track = await trackFaces(media.frames, trackOpts);
      } else {
        const helper = hooks.helper as TrackHelper;
        const second = helper.track(trackOpts, PIPELINE.decodeTimeoutMs);
        const first = await trackFaces(divideFrames(media.frames, split, helper, SPLIT_QUEUE_FRAMES), trackOpts);
        // A helper that failed or left: decode and track its half here rather than fail the verification.
        const helped = await second;
        const rest = helped ?? (await trackFaces(decodeFrames(req.videoPath, probed, { ...decode, fromSec: split / PIPELINE.fps }), trackOpts));
        timings[helped ? 'visionHelper' : 'visionFallback'] = Math.round(rest.ms);
        track = joinTracks(first, rest, split, PIPELINE.fps, PIPELINE.keepBest);
      }
      stageMs.face = lap('vision', tv);
    };
    const [a, v] = await Promise.allSettled([audioSide(), videoSide()]);
    const failed = [a, v].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      invalidReason = reason(failed.reason);
      track = null;
    }
  }

  const tracked = track as TrackResult | null;
  if (tracked && tracked.pad.length > 0) {
    t = performance.now();
    attack = await attackScores(tracked, PIPELINE.padFrames);
    stageMs.presentation = lap('presentation', t);
  }

  const ev: Evidence = { info, invalidReason, pcm, audio, track: tracked, fps: PIPELINE.fps, attack, digits, stageMs };
  const { live, checks } = decide(CHECKS.map((check) => check(ev, th)));

  const result: VideoVerifyResult = { live, checks, timingsMs: timings };
  let photoIndex = 0;
  if (req.reference) {
    t = performance.now();
    if (live.status !== 0) {
      // As in the legacy API the comparison follows a passed liveness check: after a failure
      // compare_status repeats it, with no sim and no photo (docs/api.md).
      result.compare = { ...live };
    } else if (!tracked) {
      result.compare = { ...outcome('VIDEO_SELFIE_DECODE_FAILED'), name: 'VIDEO_SELFIE_DECODE_FAILED' };
    } else {
      const c = await compareWithReference(req.reference, tracked.best, th.compare);
      result.compare = c.compare;
      photoIndex = c.bestIndex;
    }
    lap('compare', t);
  }
  const photo = tracked?.best[photoIndex] ?? tracked?.best[0];
  if (photo) result.photoJpeg = await frameToJpeg(photo.frame);
  timings.total = Math.round(performance.now() - started);
  return result;
}

