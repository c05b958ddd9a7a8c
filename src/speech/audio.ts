import { access } from 'node:fs/promises';
import { decodeAudio, MediaError } from '../media/index.js';
import { SpeechError } from './errors.js';

const MAX_SECONDS = 30;
const TIMEOUT_MS = 20_000;

/** Any audio or video file as 16 kHz mono PCM, decoded by ffmpeg in a child process with a time limit. */
export async function readAudioFile(path: string): Promise<Float32Array> {
  try {
    await access(path);
  } catch {
    throw new SpeechError('INVALID_PARAMETER', `audio file not found: ${path}`);
  }
  let pcm: Float32Array;
  try {
    pcm = await decodeAudio(path, { maxDurationSec: MAX_SECONDS, timeoutMs: TIMEOUT_MS });
  } catch (err) {
    if (err instanceof MediaError) throw new SpeechError('NO_SOUND', `${path}: ${err.message}`);
    throw err;
  }
  if (pcm.length === 0) throw new SpeechError('NO_SOUND', `${path}: no audio samples decoded`);
  return pcm;
}
