export { analyzeAudio, peakDb, speechSegmentsOf, type ActivityGate, type AudioAnalysis, type SpeechSegment } from './analyze.js';
