import { readFile } from 'node:fs/promises';
import { outcome, type ErrorName } from '../core/errors.js';
import { InferenceBusyError, type EmbedResult, type Inference, type VideoVerifyRequest, type VideoVerifyResult } from '../core/inference.js';

/**
 * TEST DOUBLE of the Inference interface for the wire tests: it never looks at the media.
 * Each method answers what the test scripted; calls are recorded so tests can assert what
 * the API handed over.
 */
export class FakeInference implements Inference {
  videoCalls: VideoVerifyRequest[] = [];
  /** The uploaded video's bytes, read at each verifyVideo call. */
  videoBytes: Buffer[] = [];
  /** The photo handed to comparePhoto / pictureLiveness. */
  photos: Uint8Array[] = [];
  /** Outcome of the next verifyVideo calls; 'busy' throws InferenceBusyError, 'crash' a plain Error. */
  videoOutcome: ErrorName | 'OK' | 'busy' | 'crash' = 'OK';
  videoDelayMs = 0;
  photoError: ErrorName | null = null;
  pictureScore = 93.6;
  similarity = 88.456;

  async verifyVideo(req: VideoVerifyRequest): Promise<VideoVerifyResult> {
    this.videoCalls.push(req);
    this.videoBytes.push(await readFile(req.videoPath));
    if (this.videoDelayMs) await new Promise((r) => setTimeout(r, this.videoDelayMs));
    if (this.videoOutcome === 'busy') throw new InferenceBusyError();
    if (this.videoOutcome === 'crash') throw new Error('worker exploded at /secret/path/model.onnx');
    const name = this.videoOutcome;
    const live = { ...outcome(name), name };
    const result: VideoVerifyResult = {
      live,
      checks: [{ name: 'video', passed: name === 'OK', score: 1, threshold: 1, ms: 3, message: 'scripted by the test double' }],
      timingsMs: { probe: 3, total: 5 },
    };
    if (req.reference) {
      result.compare = name === 'OK' ? { ...outcome('OK'), name: 'OK', sim: 81.7 } : { ...live };
      if (name === 'OK') result.photoJpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]);
    }
    return result;
  }

  /** 'down' makes embedPhoto (the health probe's task) reject as a dead pool would. */
  workers: 'up' | 'down' = 'up';

  async embedPhoto(_image?: Uint8Array): Promise<EmbedResult> {
    if (this.workers === 'down') throw new Error('worker pool terminated');
    return { ok: false, error: 'PHOTO_DECODE_FAILED' };
  }

  async comparePhoto(image: Uint8Array): Promise<{ ok: boolean; error?: ErrorName; similarity?: number }> {
    this.photos.push(image);
    return this.photoError ? { ok: false, error: this.photoError } : { ok: true, similarity: this.similarity };
  }

  async pictureLiveness(image: Uint8Array): Promise<{ ok: boolean; error?: ErrorName; score?: number }> {
    this.photos.push(image);
    return this.photoError ? { ok: false, error: this.photoError } : { ok: true, score: this.pictureScore };
  }

  async close(): Promise<void> {}
}
