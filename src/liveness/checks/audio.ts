import type { AudioAnalysis } from '../../audio/index.js';
import type { Thresholds } from '../../config/index.js';
import { notRun, round, type CheckOutcome, type Evidence } from '../evidence.js';

/** -5007 no audio stream or a silent track, -5013 speech too quiet, -5012 too noisy. Score: SNR in dB. */
export function checkAudio(ev: Evidence, th: Thresholds): CheckOutcome {
  if (ev.invalidReason) return notRun('audio', 'the video is not valid');
  const t = th.audio;
  const ms = ev.stageMs.audio ?? 0;
  if (ev.info?.audioCodec === null || !ev.audio) {
    return { report: { name: 'audio', passed: false, score: null, threshold: t.minSnrDb, ms, message: 'the video has no audio stream' }, error: 'NO_SOUND' };
  }
  const a = ev.audio;
  const extra = {
    peakDb: round(a.peakDb, 1),
    speechLevelDb: round(a.speechLevelDb, 1),
    noiseFloorDb: round(a.noiseFloorDb, 1),
    speechSec: round(a.speechSec, 2),
    segments: a.segments.length,
  };
  const report = { name: 'audio' as const, score: round(a.snrDb, 1), threshold: t.minSnrDb, ms, extra };
  const fault = audioFault(a, th);
  if (fault === 'NO_SOUND') {
    return { report: { ...report, passed: false, message: `silent track: peak ${a.peakDb.toFixed(1)} dBFS < ${t.silentPeakDb}` }, error: fault };
  }
  if (fault === 'TOO_QUIET') {
    return { report: { ...report, passed: false, message: `speech level ${a.speechLevelDb.toFixed(1)} dBFS < ${t.minSpeechLevelDb}` }, error: fault };
  }
  if (fault === 'TOO_NOISY') {
    return { report: { ...report, passed: false, message: `signal to noise ${a.snrDb.toFixed(1)} dB < ${t.minSnrDb}` }, error: fault };
  }
  return { report: { ...report, passed: true, message: `speech ${a.speechLevelDb.toFixed(1)} dBFS, ${a.snrDb.toFixed(1)} dB above the noise` } };
}

/** What the audio check refuses an analysed track for, in its order (silent, too quiet, too noisy), or null. */
export function audioFault(a: Pick<AudioAnalysis, 'peakDb' | 'speechLevelDb' | 'snrDb'>, th: Thresholds): 'NO_SOUND' | 'TOO_QUIET' | 'TOO_NOISY' | null {
  const t = th.audio;
  if (a.peakDb < t.silentPeakDb) return 'NO_SOUND';
  if (a.speechLevelDb < t.minSpeechLevelDb) return 'TOO_QUIET';
  if (a.snrDb < t.minSnrDb) return 'TOO_NOISY';
  return null;
}
