import type { Thresholds } from '../../config/index.js';
import type { CheckOutcome, Evidence } from '../evidence.js';

/** -5001 not a usable video, -5015 below 270x480 in both orientations. */
export function checkVideo(ev: Evidence, th: Thresholds): CheckOutcome {
  const ms = ev.stageMs.video ?? 0;
  const base = { name: 'video' as const, ms, threshold: th.video.minShortSide };
  if (!ev.info || ev.invalidReason) {
    return { report: { ...base, passed: false, score: null, message: ev.invalidReason ?? 'not a valid video' }, error: 'VIDEO_INVALID' };
  }
  const { width, height, container, videoCodec, durationSec, rotation } = ev.info;
  const extra = { width, height, rotation, container, videoCodec, durationSec };
  if (!ev.info.resolutionOk) {
    return {
      report: { ...base, passed: false, score: Math.min(width, height), message: `${width}x${height} is below ${th.video.minShortSide}x${th.video.minLongSide}`, extra },
      error: 'RESOLUTION_TOO_LOW',
    };
  }
  return { report: { ...base, passed: true, score: Math.min(width, height), message: `${width}x${height} ${videoCodec} in ${container.split(',')[0]}`, extra } };
}
