export { trackFaces, detectFaces, joinTracks, type FaceObservation, type KeptFrame, type TrackResult, type TrackOptions } from './track.js';
export { attackScores, type AttackScores } from './attack.js';
export { faceChange } from './motion.js';
export { frameToJpeg } from './best-frame.js';
export { mouthOpening, mouthShape, type MouthShape } from './mouth.js';
export { getHuman } from './human.js';
