import sharp from 'sharp';
import type { RgbFrame } from '../core/frames.js';

/** Larger inputs are refused: a 6 MB upload never legitimately holds more than this. */
const MAX_INPUT_PIXELS = 50_000_000;
/**
 * Work size: the detector sees a 256 px square anyway and the embedder an aligned crop, so
 * pixels beyond this only cost time. Small inputs (ID-document portraits of ~100 px) are
 * upscaled so the aligned crop is interpolated once, from the sharpest available grid.
 */
const WORK_LONG_SIDE = 1024;
const MIN_LONG_SIDE = 640;

/** Decodes any still format sharp reads (JPEG, PNG, WebP, GIF, TIFF, AVIF) to upright RGB, or null. */
export async function decodeImage(image: Uint8Array): Promise<RgbFrame | null> {
  if (image.byteLength === 0) return null;
  try {
    const pipeline = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
    const meta = await pipeline.metadata();
    if (!meta.width || !meta.height) return null;
    // EXIF orientations 5-8 swap the axes.
    const swapped = (meta.orientation ?? 1) >= 5;
    const long = Math.max(meta.width, meta.height);
    const target = long > WORK_LONG_SIDE ? WORK_LONG_SIDE : long < MIN_LONG_SIDE ? MIN_LONG_SIDE : long;
    const w = swapped ? meta.height : meta.width;
    const h = swapped ? meta.width : meta.height;
    const scale = target / long;
    // A picture already within the work range is only decoded: a no-op resize still costs a pass.
    const sized = target === long ? pipeline : pipeline.resize(Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale)), { kernel: 'lanczos3', fit: 'fill' });
    const { data, info } = await sized
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return null;
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), t: 0 };
  } catch {
    return null;
  }
}
