/**
 * Every decision threshold in livecheck, with its default and the measurement that
 * justified it. Operators override values in the config file (`thresholds` key); the
 * `why` strings are documentation and are printed by `livecheck config`.
 *
 * Each pipeline stage owns one section. A value whose `why` says "provisional" has not
 * been measured yet and must not be relied on.
 */
export interface Threshold {
  readonly value: number;
  readonly why: string;
}

const t = (value: number, why: string): Threshold => ({ value, why });

export const THRESHOLDS = {
  video: {
    minShortSide: t(270, 'SPEC: minimum 270x480 in either orientation (-5015)'),
    minLongSide: t(480, 'SPEC: minimum 270x480 in either orientation (-5015)'),
    maxDurationSec: t(30, 'a 4-digit reading takes 3-8 s; longer uploads are refused as invalid (-5001) to bound decode cost'),
  },
  audio: {
    silentPeakDb: t(-50, 'peak below this is a silent track (-5007): room hiss (pink noise at -66 dBFS floor) peaks at -56 dBFS; the quietest real speech measured (FSDD theo) peaks at -27.5 dBFS'),
    minSpeechLevelDb: t(-48, 'mean speech-frame level below this is too quiet (-5013): real speech measured -12.6 to -44.6 dBFS (GRID, talking heads, LibriSpeech, AISHELL, FSDD); LibriSpeech at -25 dB gain reads -49.7'),
    minSnrDb: t(13, 'speech level over noise floor below this is too noisy (-5012): real recordings measured 21.5-45 dB; LibriSpeech with white noise 0.05 reads 11.3 dB, with pink noise 0.1 reads 12.4 dB, noise alone 1.8 dB'),
  },
  face: {
    minFaceScore: t(0.5, 'Human detector confidence for a usable face: faces in all 11 GRID/talking clips scored 1.0; provisional floor from Human defaults'),
    minFaceShare: t(0.8, 'share of analysed frames that need one usable face (-5005): every GRID and talking clip measured 1.0'),
    minAnyFaceShare: t(0.1, 'below this share the video has no face or mouth at all (-5009) rather than too few faces (-5005)'),
  },
  mouth: {
    minOpeningRange: t(0.03, 'provisional'),
  },
  digits: {},
  sync: {
    minScore: t(0.2, 'provisional'),
    maxLagSec: t(0.2, 'provisional'),
  },
  presentation: {
    minAntispoof: t(0.4, 'provisional'),
    minMotion: t(0.001, 'provisional'),
  },
  compare: {
    cosineAtSim70: t(0.5, 'provisional'),
    cosineAtSim80: t(0.6, 'provisional'),
  },
  picture: {},
} satisfies Record<string, Record<string, Threshold>>;

export type ThresholdSection = keyof typeof THRESHOLDS;
