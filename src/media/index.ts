export { probeVideo, type VideoInfo, type ProbeLimits } from './probe.js';
export { decodeAudio, decodeFrames, decodeMedia, frameSize, startMediaDecode, SAMPLE_RATE, type DecodeOptions, type MediaDecodeOptions, type MediaStreams, type PendingMedia } from './decode.js';
export { MediaError } from './errors.js';
export { ffmpegPath, ffprobePath } from './binaries.js';
export { encodeWav } from './wav.js';
