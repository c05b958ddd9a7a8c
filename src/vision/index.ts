export { trackFaces, joinTracks, detectFaces, type FaceObservation, type KeptFrame, type TrackResult, type TrackOptions } from './track.js';
export { attackScores, type AttackScores } from './attack.js';
export { faceChange } from './motion.js';
export { frameToJpeg } from './best-frame.js';
export { mouthOpening, mouthShape, type MouthShape } from './mouth.js';
export { getFaceModels } from './face-models.js';
export { loadPadModels, type PadFrameScore } from './pad-model.js';
