/**
 * On-device advice while the user places their face: lighting from the preview's pixels in
 * every browser, and position and distance where the browser offers a face detector (the
 * Shape Detection API; no model is downloaded). Nothing leaves the device.
 */
export type Guide = 'guideDark' | 'guideBright' | 'guideBacklit' | 'guideNoFace' | 'guideCloser' | 'guideFarther' | 'guideCenter' | 'guideGood';

interface DetectedFace {
  boundingBox: DOMRectReadOnly;
}
interface FaceDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedFace[]>;
}
type FaceDetectorCtor = new (opts: { fastMode: boolean; maxDetectedFaces: number }) => FaceDetectorLike;

/** Mean luma (0-255) of the oval region and of the rest, on a small copy of the frame. */
function luma(video: HTMLVideoElement, ctx: CanvasRenderingContext2D): { inside: number; outside: number } {
  const { width: w, height: h } = ctx.canvas;
  ctx.drawImage(video, 0, 0, w, h);
  const px = ctx.getImageData(0, 0, w, h).data;
  let inSum = 0;
  let inN = 0;
  let outSum = 0;
  let outN = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const l = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      // The oval drawn on the preview: 60% of the width, 70% of the height, centred.
      const inside = ((x + 0.5) / w - 0.5) ** 2 / 0.3 ** 2 + ((y + 0.5) / h - 0.5) ** 2 / 0.35 ** 2 <= 1;
      if (inside) {
        inSum += l;
        inN++;
      } else {
        outSum += l;
        outN++;
      }
    }
  }
  return { inside: inSum / Math.max(1, inN), outside: outSum / Math.max(1, outN) };
}

/** Lighting limits on 0-255 luma: set by eye on indoor webcam and phone previews, advisory only. */
const DARK = 55;
const BRIGHT = 225;
const BACKLIT = 60;

export class Guidance {
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly detector: FaceDetectorLike | null;

  constructor(private readonly video: HTMLVideoElement) {
    const canvas = document.createElement('canvas');
    canvas.width = 36;
    canvas.height = 48;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    const Ctor = (globalThis as { FaceDetector?: FaceDetectorCtor }).FaceDetector;
    this.detector = Ctor ? new Ctor({ fastMode: true, maxDetectedFaces: 1 }) : null;
  }

  /** The most useful advice for the current frame, or null when there is nothing to add. */
  async check(): Promise<Guide | null> {
    const v = this.video;
    if (!this.ctx || v.readyState < 2 || !v.videoWidth) return null;
    const { inside, outside } = luma(v, this.ctx);
    if (inside < DARK) return 'guideDark';
    if (inside > BRIGHT) return 'guideBright';
    if (outside - inside > BACKLIT) return 'guideBacklit';
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
