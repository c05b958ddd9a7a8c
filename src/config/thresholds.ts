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
    minSnrDb: t(13, 'speech level over noise floor below this is too noisy (-5012): real recordings measured 21.5-45 dB; LibriSpeech with white noise 0.05 reads 11.3 dB, with pink noise 0.1 reads 12.4 dB, noise alone 1.8 dB. Checked against what the later checks can still judge (training/speech/snr-floor.ts: white and pink noise and a tone chord under 72 readings of six voices and the 11 clips, binned by this measured SNR): from 12 dB up the digit check keeps at least half its clean acceptance (12-14 dB: 58% against 85% clean) and lip-sync passes 94-100% of clips; at 10-12 dB 42% and 89%, so the rule fixed in advance gives 12 on 2 dB bins; 13 kept, within a bin of it'),
  },
  face: {
    minFaceScore: t(0.5, 'Human detector confidence for a usable face (its default): at this floor all 11 genuine GRID/talking clips had a face in every analysed frame'),
    minFaceShare: t(0.8, 'share of analysed frames that need one usable face (-5005): every GRID and talking clip measured 1.0'),
    minAnyFaceShare: t(0.1, 'below this share the video has no face or mouth at all (-5009) rather than too few faces (-5005)'),
  },
  mouth: {
    minOpeningRange: t(0.04, 'spread (p90-p10) of inner-lip gap over mouth width while speech is heard (-5010): genuine GRID and talking clips 0.072-0.223; a still photo with speech 0.000-0.008 (mesh jitter); set midway'),
  },
  digits: {
    hmmMinFit: t(-1.5, 'the Mandarin second reading (CMU Sphinx tdt_sc_8k, src/speech/sphinx) accepts only when its best four-digit reading is the challenge and fits the sound within this many nats per 10 ms frame of the best free phone sequence; and a Mandarin acceptance of the digit model stands only when the challenge fits this well in one of the second reading\'s readings (mandarinFitFails). A guard against non-digit speech: on the exploration readings, 60 per voice of six Mandarin voices, the lowest fit of a correctly read challenge was -1.45 and removing the floor accepted nothing more; 10 of the 11 strings of non-digit syllables the digit model heard as four digits fitted at -1.68 to -2.37; an AISHELL sentence\'s best four-digit reading fits at -1.99, a LibriSpeech sentence\'s at -3.50. Since the readings hear the recording cut to its speech (src/speech/speech-span.ts), genuine fits sit lower: 319 of 420 exploration readings of the seven voices read right, lowest fits -1.53, -1.43, -1.31 (node --import tsx training/sphinx/fit-floor.ts); the same rule would give -1.6, at which the held-out evaluation accepted one string of non-digit syllables (fit -1.597, margin +0.001), so the floor stays -1.5, at the cost of that one exploration reading'),
    hmmMinDigitSec: t(0.1, 'the Mandarin second reading accepts only when every digit of the challenge lasts at least this long on its path: the fastest reading the service is built for is about 0.25 s per digit (issue 11), so a 0.1 s digit is not one that was said; without it, digits squeezed into silence (70-80 ms each) read within hmmMinMargin of the best reading of 3 s of digital silence for 1 in 200 random claims, with fits of -1.42 to -1.45 (the silence model explains silence and a short digit alike). The shortest digit of a correctly read challenge among 55 spliced readings down to 0.2 s per digit was 0.15 s'),
    hmmMaxWarp: t(1.1, 'the Mandarin second reading reads the recording as it is, then, until one reading accepts (or, confirming a Mandarin acceptance of the digit model, fits), through filterbanks warped as for a vocal tract 10% and 20% longer (1.1 stops at 10%; 1 turns the warps off): CMU\'s broadcast-news speakers are mostly men, and women\'s formants sit higher. Chosen with minMargin, minMarginMandarin and hmmMinMargin on the combined decision over the held-out readings of all 34 voices (livecheck eval speech, the four fold pairs of 2026-12-04): 1.1 accepts the most genuine readings at the 2% impostor point; chosen per fold on the other folds\' voices it was 1.2 for the voices of folds 0, 1 and 3 and 1.1 for those of fold 2, giving the figures under minMargin. Was 1.2 with the single 10,000-step models (chosen the same way), 1.1 with one threshold for both languages. On the second reading alone (420 exploration readings, leave one voice out; training/sphinx/choose-warps.ts) warps lift Mandarin from 72.1% (worst voice 3.3%) to 74.3% (worst 18.3%) at about 1.5% impostors'),
    hmmMinMargin: t(-0.02, 'the Mandarin second reading accepts when, in one of its readings (hmmMaxWarp), the challenge reads more than this many nats per 10 ms frame of its digits better than its best other four-digit reading, fits the sound (hmmMinFit) and gives every digit hmmMinDigitSec; 0 asks for the challenge to be the best reading, below 0 lets a near tie through. Per frame of the challenge\'s digits, not of the recording, so that silence or background around the digits cannot shrink a losing claim\'s deficit (25 s of quiet after the reading took one-digit-off acceptances from 1 to 12 of 240 with the margin per recording frame; training/speech/padding.ts, docs/decisions.md). Chosen with hmmMaxWarp, minMargin and minMarginMandarin on the combined decision over the held-out readings of all 34 voices (floors 0.04 to -0.15 tried; livecheck eval speech, the fold pairs of 2026-12-04); per fold, on the other folds\' voices, -0.02 for the voices of folds 0 and 2, 0 for folds 1 and 3. Was 0 with the single 10,000-step models, -0.02 with the fold models of 2026-12-02, -0.01 per recording frame before that'),
    minMarginMandarin: t(-1.192, 'the digit model\'s margin asked of recordings it hears as Mandarin (either of its two networks finding more Mandarin than English digit mass), in place of minMargin: its Mandarin acceptances are the ones non-digit syllables and one-digit-off claims get through, and the Mandarin second reading carries most Mandarin passes, so Mandarin is held 1 nat stricter and English gets its own 2% impostor point instead of sitting under Mandarin\'s. Chosen with minMargin, hmmMinMargin and hmmMaxWarp over the held-out readings of all 34 voices (stricter by 0, 0.25, 0.5 or 1 tried; livecheck eval speech); 1 on every fold, with the fold models of 2026-12-02, of 2026-12-03 and the pairs of 2026-12-04 alike. Nested figures under minMargin. On the exploration readings (training/speech/fusion.ts, other seeds) 0.5-0.75 stricter was chosen per fold and 1.5 stricter drops Mandarin to 39%, so the grid stops at 1. Equal to minMargin turns it off. Was -0.505 with the single 10,000-step models, -0.363 with the models of 2026-12-02'),
    minMargin: t(-2.192, 'margin in nats of the expected string over its best competitor, judged on the combined decision: the digit model (the mean of its two networks\' margins, each on its own posteriors; its Mandarin acceptances held to minMarginMandarin and to the second reading\'s fit, hmmMinFit), or the Mandarin second reading accepting, which puts the score at 0. Both hear the recording cut to its speech (src/speech/speech-span.ts). Models of 2026-12-04, twenty-second session (models/digits.onnx and models/speech-folds: each file the sixteenth session\'s recipe run for 10,000 and for 20,000 steps, the two networks in one ONNX). Chosen by leave-voices-out over all 34 real voices together with minMarginMandarin, hmmMinMargin and hmmMaxWarp: over every held-out reading (4080 readings incl. fast and phone, each scored by a fold pair that never heard its voice; the second reading never heard any of them) the setting accepting most genuine readings at the stricter of the two languages\' 2% one-digit-off impostor points is -2.192 (Mandarin -1.192, floor -0.02 per digit frame, warps up to 1.1). At the nested settings (thresholds -1.626 to -2.171, each chosen on the other folds with its floor, warp and Mandarin threshold) Mandarin accepts 74.1% of genuine strings (7 voices, worst gcin5 16.7%; the digit model alone 28.7%, the second reading alone 71.2%), English 79.2% (27 voices, worst en-sc-1eddce1d 6.7%), impostors 2.2% / 1.6%, readings lacking a digit 3.3% / 1.4%; 0 of 1800 non-digit, silence and noise trials accepted (highest -3.385). The single 10,000-step models at their own settings (-1.505, Mandarin -0.505, floor 0, warps 1.2): 74.6% / 76.8% (worst 16.7% / 8.3%), impostors 2.2% / 1.4%; the 20,000-step ones alone 71.5% / 79.5%. Was -1.505 with the single models, -1.363 with those of 2026-12-02, -0.995 with one threshold for both languages, -1.58 for the digit model alone (npm run train:speech; livecheck eval speech, docs/evaluation/speech)'),
  },
  sync: {
    minScore: t(0.25, 'best correlation of outer-lip height with log voice-band (300-3000 Hz) loudness within the lag range (-5002), 20 fps: 11 genuine clips 0.391-0.769 (0.394-0.746 at 25 fps), the first 5 s of retalking_2 at 720p (the bench clip) 0.289 at 25 fps; 0.33 failed that honest clip, so the level floor only rejects a mouth that does not follow the sound and the two lead rules do the timing'),
    maxLagSec: t(0.2, 'lags tried either way: genuine GRID and talking clips peaked between -0.2 and +0.2 s at 10, 20 and 25 fps'),
    searchSec: t(0.6, 'lags searched beyond maxLagSec for a better fit (audio shifted out of sync): 0.4-1.0 s gave the same separation on the 11 clips; 0.6 keeps enough overlap on 3 s clips'),
    maxOnsetLead: t(0.05, 'fail when the frame-to-frame changes (onsets) of mouth and voice-band loudness correlate better at a lag of 0.2-0.6 s than within +-0.2 s by more than this: at 20 fps the 11 genuine clips lead by -0.395 to -0.026 (in range always better), audio shifted by 0.4-0.5 s leads by up to +0.5; with maxLevelLead all 44 such cases fail'),
    maxLevelLead: t(0.15, 'fail when the level correlation is better at a lag of 0.2-0.6 s than within +-0.2 s by more than this: 11 genuine clips at 20 fps lead by -0.341 to +0.047 (margin 0.10); it catches the two shifted cases (retalking_1 advanced 0.4 and 0.5 s, level leads 0.17 and 0.20) whose onset lead (0.013, 0.027) stays under maxOnsetLead at 20 fps'),
    maxPauseMotion: t(0.66, 'fail when the mouth moves in the pauses of the speech (frames 0.15 s or more from any speech segment) more than this share of its movement during speech: 10 genuine clips 0.197-0.545 (retalking_3 has too few pause frames to judge); threshold 1.2 x the largest genuine value, chosen leave-one-clip-out (every held-out clip passes, closest lrwp9a 0.545 against 0.635); with it 26 of 110 swapped-audio pairs pass lip-sync instead of 37, and 36 of 66 dubbed-digit cases fail on it (node --import tsx --test src/liveness/sync.test.ts)'),
    minOpenHeight: t(0.77, 'per digit, open vowels (five, nine, san, ba): outer lip height at the widest opening of the syllable over the clip median, at least this: the 5th percentile of 87 real one-syllable words of the 11 clips (pocketsphinx timing, looked for as a digit is), chosen leave-one-clip-out (0.732-0.774 across held-out clips); genuine syllables fitting all three shape tests 84/87, other speech over the same faces 618/662 (sync.test.ts): a weak test, see docs/pipeline.md'),
    maxRoundedWidth: t(1.09, 'per digit, rounded vowels (two, four, one, zero, wu, liu, jiu): mouth width at the widest opening over the clip median, at most this: the 95th percentile of the same real syllables (leave-one-clip-out 1.036-1.089)'),
    minSpreadWidth: t(0.93, 'per digit, spread vowels (three, six, eight, yi, qi, si, ling): mouth width at the widest opening over the clip median, at least this: the 5th percentile of the same real syllables (leave-one-clip-out 0.939-0.942), rounded down'),
    minDigitShare: t(0.75, 'share of the challenge digits whose lips must fit their vowel (3 of 4, 1 of 1), judged only when the digit check heard the challenge: with the shape thresholds chosen leave-one-clip-out every held-out run of four consecutive real syllables passes (18/18); 4 of 4 would fail 5 of them'),
  },
  presentation: {
    minLive: t(
      0.86,
      'mean over the (up to 8) sampled frames of the Silent-Face live probability (-5016), each frame\'s crops first scaled to one face exposure (FACE_LUMA, src/vision/pad-crop.ts): 10% below the lowest of the 11 genuine clips (0.960), rounded down; chosen by that rule alone, attacks take no part. Leave-one-clip-out (src/eval/pad/scores.ts + thresholds.ts, docs/pipeline.md): thresholds 0.864-0.883, bona fide 0/11 rejected, simulated screen replay 3/33 and print 6/33 accepted by this check alone, phone replay 0/33, screen recapture 0/11, real print and screen photos refused; the 11 clips recorded as the capture page records and dimmed to just above its dark warning: 0/11 rejected (lowest 0.900; 1/11 at 0.765 before the exposure scaling)',
    ),
    minFaceChange: t(0.001, 'median luma change (0-1) in the face box between analysed frames (-5016): at 20 fps the lowest of the 11 genuine clips is 0.00334 (0.00288 at 25 fps, 0.0055 at 10 fps); a still photo with speech 0.00000-0.00005 after H.264'),
  },
  compare: {
    cosineAtSim70: t(
      0.925,
      'sim 70 ~ 1/1000 false accepts: no impostor among the 1646 cross-identity pairs of shared/data/faces reaches 0.925 (top impostor 0.9246); 94.4% of the 124 genuine pairs do (src/eval/face/evaluate.ts)',
    ),
    cosineAtSim80: t(
      0.955,
      'sim 80 ~ 1/10000: normal fit to the 1646 impostor cosines (mean 0.8375, sd 0.0315) at 1e-4 (0.9546), an extrapolation the data cannot verify; 52.4% of genuine pairs reach it',
    ),
    minMeshScore: t(
      0.7,
      'face-mesh confidence a face needs to be embedded: true faces scored >= 0.98 on shared/data/faces and >= 0.91 on the passport photos; a false face on a Spanish ID-card back scored 0.37 and a pixelated passport portrait 0.67',
    ),
    retryMinDetectorScore: t(
      0.5,
      'detector confidence a face needs when found only on the bordered picture or a tile: a tile of a German ID-card back gave a false face at 0.31, the true faces found that way scored 0.66 and above (shared/data/id, faces)',
    ),
  },
  picture: {
    minLive: t(
      0.5,
      'live probability of the Silent-Face models on the main face at or above which livedetectpicture scores above 87: the models\' own decision (upstream takes the largest of three classes, and 0.5 always wins), not fitted; on the data: real selfie 0.99, real print 0.07 and screen 0.28, honest photos with surroundings (faces/) lowest 0.56, so a threshold of 0.83 as for video would refuse 5 of 44 of them',
    ),
  },
} satisfies Record<string, Record<string, Threshold>>;

export type ThresholdSection = keyof typeof THRESHOLDS;
