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
  audio: {},
  face: {},
  mouth: {},
  digits: {},
  sync: {},
  presentation: {},
  compare: {},
  picture: {},
} satisfies Record<string, Record<string, Threshold>>;

export type ThresholdSection = keyof typeof THRESHOLDS;
