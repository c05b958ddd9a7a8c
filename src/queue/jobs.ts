import type { FaceTemplate, Inference, VideoVerifyResult } from '../core/inference.js';

/**
 * What travels through the queue: one Inference call as JSON, its media as separate Redis
 * values (media.ts) named by `media`. Results come back as JSON, bytes in base64.
 */
export type JobData =
  | { task: 'verifyVideo'; digits: string; reference?: { kind: 'template'; template: FaceTemplate } | { kind: 'image' } }
  | { task: 'embedPhoto'; role: 'card' | 'photo' }
  | { task: 'comparePhoto'; template: FaceTemplate }
  | { task: 'pictureLiveness' };

export type Task = JobData['task'];

/** The media names each task carries. */
export const MEDIA: Record<Task, readonly string[]> = {
  verifyVideo: ['video', 'reference'],
  embedPhoto: ['image'],
  comparePhoto: ['image'],
  pictureLiveness: ['image'],
};

export type WireVideoResult = Omit<VideoVerifyResult, 'photoJpeg'> & { photoJpeg?: string };

export function videoResultToWire(r: VideoVerifyResult): WireVideoResult {
  const { photoJpeg, ...rest } = r;
  return photoJpeg ? { ...rest, photoJpeg: Buffer.from(photoJpeg).toString('base64') } : rest;
}

export function videoResultFromWire(w: WireVideoResult): VideoVerifyResult {
  const { photoJpeg, ...rest } = w;
  return photoJpeg ? { ...rest, photoJpeg: new Uint8Array(Buffer.from(photoJpeg, 'base64')) } : rest;
}

/** Runs one job on `executor` (the worker's thread pool) with its media read back. */
export async function runJob(executor: Inference, data: JobData, media: Map<string, Buffer>, videoPath: () => Promise<string>): Promise<unknown> {
  const image = (): Uint8Array => required(media, 'image');
  switch (data.task) {
    case 'verifyVideo': {
      const reference =
        data.reference?.kind === 'image' ? { kind: 'image' as const, data: new Uint8Array(required(media, 'reference')) } : data.reference;
      return videoResultToWire(await executor.verifyVideo({ videoPath: await videoPath(), digits: data.digits, reference }));
    }
    case 'embedPhoto':
      return executor.embedPhoto(image(), data.role);
    case 'comparePhoto':
      return executor.comparePhoto(image(), data.template);
    case 'pictureLiveness':
      return executor.pictureLiveness(image());
  }
}

function required(media: Map<string, Buffer>, name: string): Buffer {
  const bytes = media.get(name);
  // Gone: its TTL ran out while the job waited (a queue longer than the media TTL).
  if (!bytes) throw new Error(`the job's ${name} expired before a worker took it`);
  return bytes;
}
