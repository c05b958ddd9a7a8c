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

/**
 * A legitimate photo decodes in about a second at most (a 49-megapixel JPEG in 0.3 s, progressive
 * 1.1 s, on the 2-core machine); a decode still running after this is work an upload should not
 * be able to buy.
 */
const DECODE_TIMEOUT_SEC = 10;

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);

/**
 * The raster format the leading bytes announce (what cameras, phones and ID scanners write), or
 * null. sharp also reads SVG, whose renderer follows references: 1.4 KB of nested `<use>` kept
 * one decode busy past two minutes, so only these formats reach it.
 */
export function rasterFormat(b: Uint8Array): 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'heif' | null {
  const ascii = (from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(8, 12))) return 'heif';
  return null;
}

/**
 * Decodes a JPEG, PNG, WebP, GIF (first frame), TIFF or AVIF photo to upright RGB, or null. HEIF
 * is let through to the decoder, but sharp's bundled libvips reads only its AV1 kind (AVIF), not
 * the HEVC kind iPhones save (HEIC): those answer null like any undecodable upload.
 */
export async function decodeImage(image: Uint8Array): Promise<RgbFrame | null> {
  const format = rasterFormat(image);
  if (format === null) return null;
  try {
    const pipeline = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .timeout({ seconds: DECODE_TIMEOUT_SEC })
      .rotate();
    const meta = await pipeline.metadata();
    // The bytes and the decoder must agree: a file that starts like a JPEG is decoded as one or not at all.
    if (meta.format !== format || !meta.width || !meta.height) return null;
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
