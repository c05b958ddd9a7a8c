import type { MessagePort } from 'node:worker_threads';
import type { Thresholds } from '../config/index.js';
import type { EmbedResult, FaceTemplate, PhotoCompareResult, PictureLivenessResult, VideoVerifyRequest, VideoVerifyResult } from '../core/inference.js';
import { getFaceEmbedder, scorePictureLiveness } from '../compare/index.js';
import { helpTrack, TrackHelper, verifyVideo, type VerifyHooks } from '../liveness/index.js';
import { ffmpegPath } from '../media/index.js';
import { warmUpSpeech } from '../speech/index.js';
import { getFaceModels, loadPadModels } from '../vision/index.js';

/** The work an inference thread does, as plain data so it crosses a worker boundary. */
export type Task =
  | { kind: 'verifyVideo'; req: VideoVerifyRequest; helper?: MessagePort }
  /** A second thread for one verification: tracks the part of the video it is given (liveness/split.ts). */
  | { kind: 'helpVerify'; port: MessagePort }
  | { kind: 'embedPhoto'; image: Uint8Array; role: 'card' | 'photo' }
  | { kind: 'comparePhoto'; image: Uint8Array; template: FaceTemplate }
  | { kind: 'pictureLiveness'; image: Uint8Array };

export interface TaskResults {
  verifyVideo: VideoVerifyResult;
  helpVerify: 'tracked' | 'released' | 'abandoned' | 'failed';
  embedPhoto: EmbedResult;
  comparePhoto: PhotoCompareResult;
  pictureLiveness: PictureLivenessResult;
}

/** How long a helper waits for its verification to probe the video and hand it a part. */
const HELPER_WAIT_MS = 15_000;

/** Loads every model this thread will need, so the first request does not pay for it. */
export async function warmUp(thresholds: Thresholds): Promise<void> {
  // Finding ffmpeg runs `ffmpeg -version` (0.2 s): done here, not in the first request. ffprobe is
  // not looked for: the decoding ffmpeg is the probe (src/media/input-dump.ts).
  ffmpegPath();
  await Promise.all([getFaceModels(), getFaceEmbedder(thresholds.compare), loadPadModels()]);
  await warmUpSpeech();
}

async function comparePhoto(image: Uint8Array, template: FaceTemplate, thresholds: Thresholds): Promise<PhotoCompareResult> {
  const embedder = await getFaceEmbedder(thresholds.compare);
  const emb = await embedder.embedImage(image, 'photo');
  if (!emb.ok) return { ok: false, error: emb.error };
  try {
    return { ok: true, similarity: embedder.similarity(template, emb.template) };
  } catch {
    return { ok: false, error: 'SIMILARITY_FAILED' };
  }
}

export async function runTask(task: Task, thresholds: Thresholds, hooks?: VerifyHooks): Promise<TaskResults[Task['kind']]> {
  switch (task.kind) {
    case 'verifyVideo':
      return verifyVideo(task.req, thresholds, task.helper ? { ...hooks, helper: new TrackHelper(task.helper) } : hooks);
    case 'helpVerify':
      return helpTrack(task.port, HELPER_WAIT_MS);
    case 'embedPhoto':
      return (await getFaceEmbedder(thresholds.compare)).embedImage(task.image, task.role);
    case 'comparePhoto':
      return comparePhoto(task.image, task.template, thresholds);
    case 'pictureLiveness':
      return scorePictureLiveness(task.image, thresholds);
  }
}
