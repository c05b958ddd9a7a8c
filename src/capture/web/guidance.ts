import { lightingGuide, ovalLuma, type LightingGuide } from './lighting.js';

/**
 * On-device advice while the user places their face: lighting from the preview's pixels in
 * every browser, and position and distance where the browser offers a face detector (the
 * Shape Detection API; no model is downloaded). Nothing leaves the device.
 */
export type Guide = LightingGuide | 'guideSlow' | 'guideNoFace' | 'guideCloser' | 'guideFarther' | 'guideCenter' | 'guideGood';

/**
 * Below this many camera frames per second the presentation check sees repeated frames and
 * fails an honest user: a real clip re-encoded to 8 fps failed it, 12 and 15 fps passed
 * (docs/capture.md, "Known issue: slow cameras"). Dim light is the usual cause on phones.
 */
const MIN_CAMERA_FPS = 12;

interface DetectedFace {
  boundingBox: DOMRectReadOnly;
}
interface FaceDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedFace[]>;
}
type FaceDetectorCtor = new (opts: { fastMode: boolean; maxDetectedFaces: number }) => FaceDetectorLike;

export class Guidance {
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly detector: FaceDetectorLike | null;
  /** Frames the preview presented since the last check (null: the browser cannot tell). */
  private frames: number | null = null;
  private since = performance.now();
  private stopped = false;

  constructor(private readonly video: HTMLVideoElement) {
    const canvas = document.createElement('canvas');
    canvas.width = 36;
    canvas.height = 48;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    const Ctor = (globalThis as { FaceDetector?: FaceDetectorCtor }).FaceDetector;
    this.detector = Ctor ? new Ctor({ fastMode: true, maxDetectedFaces: 1 }) : null;
    if ('requestVideoFrameCallback' in video) {
      this.frames = 0;
      const count = (): void => {
        if (this.stopped) return;
        this.frames = (this.frames ?? 0) + 1;
        video.requestVideoFrameCallback(count);
      };
      video.requestVideoFrameCallback(count);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Camera frames per second since the previous call, or null when unknown. */
  private frameRate(): number | null {
    const now = performance.now();
    const elapsed = now - this.since;
    if (this.frames === null || elapsed < 500) return null;
    const fps = (this.frames * 1000) / elapsed;
    this.frames = 0;
    this.since = now;
    return fps;
  }

  /** The most useful advice for the current frame, or null when there is nothing to add. */
  async check(): Promise<Guide | null> {
    const v = this.video;
    if (!this.ctx || v.readyState < 2 || !v.videoWidth) return null;
    const { width, height } = this.ctx.canvas;
    // The part of the frame the preview shows (object-fit: cover on a 3:4 stage).
    const sw = Math.min(v.videoWidth, (v.videoHeight * 3) / 4);
    const sh = Math.min(v.videoHeight, (v.videoWidth * 4) / 3);
    this.ctx.drawImage(v, (v.videoWidth - sw) / 2, (v.videoHeight - sh) / 2, sw, sh, 0, 0, width, height);
    const lighting = lightingGuide(ovalLuma(this.ctx.getImageData(0, 0, width, height).data, width, height, 4));
    if (lighting) return lighting;
    const fps = this.frameRate();
    if (fps !== null && fps < MIN_CAMERA_FPS) return 'guideSlow';
    if (!this.detector) return null;
    let faces: DetectedFace[];
    try {
      faces = await this.detector.detect(v);
    } catch {
      return null;
    }
    const box = faces[0]?.boundingBox;
    if (!box) return 'guideNoFace';
    const share = box.width / v.videoWidth;
    if (share < 0.3) return 'guideCloser';
    if (share > 0.8) return 'guideFarther';
    const dx = (box.x + box.width / 2) / v.videoWidth - 0.5;
    const dy = (box.y + box.height / 2) / v.videoHeight - 0.5;
    if (Math.hypot(dx, dy) > 0.15) return 'guideCenter';
    return 'guideGood';
  }
}
