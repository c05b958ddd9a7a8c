/** Camera, microphone and recording: the browser APIs and how their failures read to a user. */
import { levelDb, VoiceTail } from './voice-tail.js';

/** How often the recording's level is read (the rule's figures were measured at this rate). */
const METER_MS = 50;

export type CameraProblem = 'denied' | 'missing' | 'busy' | 'unsupported' | 'insecure';

export class CameraError extends Error {
  constructor(readonly problem: CameraProblem) {
    super(problem);
  }
}

/**
 * Containers the server decodes, in order of preference: VP8/Opus in WebM (Chromium, Firefox;
 * VP8 is the cheapest to encode on a phone), then MP4 (Safari records H.264 with AAC or Opus).
 */
const TYPES: Array<[string, string]> = [
  ['video/webm;codecs=vp8,opus', 'webm'],
  ['video/webm;codecs=vp9,opus', 'webm'],
  ['video/webm', 'webm'],
  ['video/mp4;codecs=avc1.42E01E,mp4a.40.2', 'mp4'],
  ['video/mp4', 'mp4'],
];

export function recordingFormat(): { mimeType: string; extension: string } | null {
  if (typeof MediaRecorder === 'undefined') return null;
  const found = TYPES.find(([type]) => MediaRecorder.isTypeSupported(type));
  return found ? { mimeType: found[0], extension: found[1] } : null;
}

/** What stands in the way before asking for the camera at all. */
export function cameraBlocker(): CameraProblem | null {
  if (!window.isSecureContext) return 'insecure';
  if (!navigator.mediaDevices?.getUserMedia || !recordingFormat()) return 'unsupported';
  return null;
}

export async function openCamera(): Promise<MediaStream> {
  const blocker = cameraBlocker();
  if (blocker) throw new CameraError(blocker);
  try {
    // Portrait 720x1280 where the camera offers it; the server needs at least 270x480.
    return await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'user', width: { ideal: 720 }, height: { ideal: 1280 }, frameRate: { ideal: 30, max: 30 } },
      // The browser's own voice processing stays on: in a noisy room its noise suppression is what
      // gets a reading past the server's noise check (docs/decisions.md, "The page's microphone").
      audio: true,
    });
  } catch (err) {
    const name = (err as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new CameraError('denied');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new CameraError('missing');
    if (name === 'NotReadableError' || name === 'AbortError') throw new CameraError('busy');
    throw new CameraError('unsupported');
  }
}

export function stopCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** The microphone's level as the page's meter reads it, or null where Web Audio cannot listen (then recordings are never extended). */
function levelMeter(stream: MediaStream): { level(): number; close(): void } | null {
  const Context = window.AudioContext as typeof AudioContext | undefined;
  if (!Context || stream.getAudioTracks().length === 0) return null;
  try {
    const context = new Context();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    void context.resume().catch(() => undefined);
    return {
      level: () => {
        analyser.getFloatTimeDomainData(samples);
        return levelDb(samples);
      },
      close: () => void context.close().catch(() => undefined),
    };
  } catch {
    return null;
  }
}

/**
 * Records the stream for VOICE_TAIL.plannedMs, and on (up to maxMs) while the reader is still
 * speaking, so a slow reader's last digit is not cut off (src/capture/web/voice-tail.ts has the
 * rule and its figures). About 1.2 Mb/s keeps a 5 s clip near 1 MB, far under the upload limit,
 * at a quality the face and lip checks do not suffer from. Rejects with an AbortError when
 * `signal` fires (page hidden, phone turned) so nothing partial is sent.
 */
export function record(stream: MediaStream, signal: AbortSignal): Promise<Blob> {
  const format = recordingFormat();
  if (!format) return Promise.reject(new CameraError('unsupported'));
  return new Promise((resolve, reject) => {
    const chunks: Blob[] = [];
    const recorder = new MediaRecorder(stream, { mimeType: format.mimeType, videoBitsPerSecond: 1_200_000, audioBitsPerSecond: 64_000 });
    const meter = levelMeter(stream);
    const tail = new VoiceTail();
    const started = performance.now();
    let aborted = false;
    const stop = (): void => {
      clearInterval(timer);
      meter?.close();
      if (recorder.state !== 'inactive') recorder.stop();
    };
    const timer = setInterval(() => {
      const t = performance.now() - started;
      if (meter) tail.push(meter.level(), t);
      if (tail.shouldStop(t)) stop();
    }, METER_MS);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    recorder.onstop = () => {
      signal.removeEventListener('abort', onAbort);
      if (aborted) reject(new DOMException('recording interrupted', 'AbortError'));
      else resolve(new Blob(chunks, { type: format.mimeType.split(';')[0] }));
    };
    recorder.onerror = () => {
      clearInterval(timer);
      meter?.close();
      reject(new CameraError('busy'));
    };
    recorder.start(1000);
  });
}
