import { outcome, type ErrorName } from '../core/errors.js';
import { InferenceBusyError, type Inference, type VideoVerifyRequest, type VideoVerifyResult } from '../core/inference.js';

/**
 * TEST DOUBLE of the Inference interface for the wire tests: it never looks at the media.
 * Each method answers what the test scripted; calls are recorded so tests can assert what
 * the API handed over.
 */
export class FakeInference implements Inference {
  videoCalls: VideoVerifyRequest[] = [];
  /** Outcome of the next verifyVideo calls; 'busy' throws InferenceBusyError. */
  videoOutcome: ErrorName | 'OK' | 'busy' = 'OK';
  videoDelayMs = 0;
  photoError: ErrorName | null = null;
  pictureScore = 93.6;
  similarity = 88.456;

  async verifyVideo(req: VideoVerifyRequest): Promise<VideoVerifyResult> {
    this.videoCalls.push(req);
    if (this.videoDelayMs) await new Promise((r) => setTimeout(r, this.videoDelayMs));
    if (this.videoOutcome === 'busy') throw new InferenceBusyError();
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

  async embedPhoto(): Promise<{ ok: false; error: ErrorName }> {
    return { ok: false, error: 'PHOTO_NO_FACE' };
  }

  async comparePhoto(): Promise<{ ok: boolean; error?: ErrorName; similarity?: number }> {
    return this.photoError ? { ok: false, error: this.photoError } : { ok: true, similarity: this.similarity };
  }

  async pictureLiveness(): Promise<{ ok: boolean; error?: ErrorName; score?: number }> {
    return this.photoError ? { ok: false, error: this.photoError } : { ok: true, score: this.pictureScore };
  }

  async close(): Promise<void> {}
}
