export { probeVideo, defaultProbeLimits, type VideoInfo, type ProbeLimits } from './probe.js';
export { decodeAudio, decodeFrames, frameSize, SAMPLE_RATE, type DecodeOptions } from './decode.js';
export { MediaError } from './errors.js';
export { ffmpegPath, ffprobePath } from './binaries.js';
