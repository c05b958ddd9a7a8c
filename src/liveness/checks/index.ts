import type { Thresholds } from '../../config/index.js';
import type { CheckOutcome, Evidence } from '../evidence.js';
import { checkAudio } from './audio.js';
import { checkDigits } from './digits.js';
import { checkFace } from './face.js';
import { checkMouth } from './mouth.js';
import { checkPresentation } from './presentation.js';
import { checkSync } from './sync.js';
import { checkVideo } from './video.js';

/** A liveness check: reads the stages' evidence and the resolved thresholds, never the media. */
export type Check = (ev: Evidence, th: Thresholds) => CheckOutcome;

/**
 * Every check, in SPEC order: the first that does not pass decides the answer (decide.ts). A new
 * check is its own file in this folder, its thresholds in src/config/thresholds.ts, and a line here.
 */
export const CHECKS: readonly Check[] = [checkVideo, checkAudio, checkFace, checkMouth, checkDigits, checkSync, checkPresentation];
