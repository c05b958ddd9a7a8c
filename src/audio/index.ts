export { analyzeAudio, type AudioAnalysis, type SpeechSegment } from './analyze.js';
