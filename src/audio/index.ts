export { analyzeAudio, speechSegmentsOf, type AudioAnalysis, type SpeechSegment } from './analyze.js';
