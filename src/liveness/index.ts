export { probeLimits, verifyVideo, type VerifyHooks } from './verify.js';
export { syncScore, type SyncScore, type SyncInput } from './sync-score.js';
export { PIPELINE } from './settings.js';
export type { DigitVerdict } from './digits-stage.js';
export { helpTrack, TrackHelper } from './split.js';
