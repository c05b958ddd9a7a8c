/**
 * Digit speech verification: did the speaker read these digits, in Mandarin or English?
 * A CTC model trained by training/speech (models/digits.onnx) runs in-process with
 * onnxruntime-node; see docs/speech.md.
 */
export { verifyDigits, recognizeDigits, type DigitConfig, type DigitVerdict, type Recognition } from './verify.js';
export { warmUpSpeech } from './warm-up.js';
export type { DigitSegment } from './align.js';
export { readAudioFile } from './audio.js';
export { SpeechError } from './errors.js';
export { loadSpeechModel, type SpeechModel } from './model.js';
